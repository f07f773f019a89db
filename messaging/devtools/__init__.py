"""Development and benchmark tools: DynamoDB Local for the embedded default and the tests, and the
opt-in per-request count of DynamoDB calls for the benchmark. Nothing here serves requests."""
