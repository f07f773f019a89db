"""Live delivery: server-sent events of messages and read counts, published on a bus after each write."""
