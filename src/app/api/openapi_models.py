"""FastAPI's OpenAPI models, imported with their pydantic schemas built on first use.

`fastapi.openapi.models` declares some forty pydantic models (the OpenAPI document's shape); the
rest of FastAPI imports it (`fastapi.params`, `fastapi.security`), and pydantic builds every
model's validator and serializer as the class is created: ~60-100 ms of each cold start, for
models used only when `/openapi.json` is rendered. pydantic's `defer_build` setting ("Whether to
defer model validator and serializer construction until the first model validation", pydantic
docs, Configuration) moves that work to first use; FastAPI's models take their config from
`BaseModel`, so it is set there for the duration of that one import and removed after.
"""

from __future__ import annotations

import sys

MODULE = "fastapi.openapi.models"


def import_deferred() -> bool:
    """Import FastAPI's OpenAPI models unbuilt; False when something imported them already."""
    if MODULE in sys.modules:
        return False
    from pydantic import BaseModel

    config = BaseModel.model_config
    config["defer_build"] = True
    try:
        __import__(MODULE)
    finally:
        del config["defer_build"]
    return True
