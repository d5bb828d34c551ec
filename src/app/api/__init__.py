"""HTTP layer: FastAPI app factory, routers, schemas and the one place errors become HTTP."""

from app.api.openapi_models import import_deferred

# Before any module of this package imports FastAPI: its OpenAPI models build on first use.
import_deferred()
