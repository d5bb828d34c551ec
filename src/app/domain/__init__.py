"""Pure domain: entities, use cases, errors and ports. No AWS, no HTTP."""
