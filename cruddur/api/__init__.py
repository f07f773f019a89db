"""What every DRF endpoint shares: error types and bodies, the exception handler, content negotiation,
schema helpers and the generic throttles. Imports no app: the apps import these."""
