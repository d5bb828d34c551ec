"""Request and response bodies (JSON field names are camelCase)."""
