"""OpenAPI → typed Python SDK generator."""
