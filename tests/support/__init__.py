"""The one home of helpers shared by tests (and the bench's smoke tests): no test module imports another
test module or a conftest."""
