"""HTTP layer: FastAPI app factory, routers, schemas and the one place errors become HTTP."""
