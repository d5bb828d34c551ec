"""A function whose init phase fails (its module raises on import)."""

raise RuntimeError("this function cannot start")
