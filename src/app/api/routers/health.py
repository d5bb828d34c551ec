"""Liveness: answers without auth and without touching AWS."""

from __future__ import annotations

from fastapi import APIRouter, Response
from pydantic import BaseModel, ConfigDict

from app.api.routing import JsonBodyRoute

router = APIRouter(tags=["health"], route_class=JsonBodyRoute)


class Health(BaseModel):
    """The API process is up."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"status": "ok"}]})

    status: str = "ok"


@router.get("/health", response_model=Health, operation_id="getHealth", summary="Liveness")
async def health(response: Response) -> Health:
    """200 while the API can serve requests; needs no token."""
    response.headers["Cache-Control"] = "no-store"
    return Health()
