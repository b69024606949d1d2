"""A small HTTP service that greets and answers health checks."""
