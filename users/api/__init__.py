"""The users REST API (DRF): a user's short profile and the local token endpoint."""
