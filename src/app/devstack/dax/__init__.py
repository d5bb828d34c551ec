"""DAX, locally: a read cache with DAX's semantics, shared by all of a function's environments."""
