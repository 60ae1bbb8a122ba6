"""The REST API door (read-only for now), documented by its OpenAPI schema."""
