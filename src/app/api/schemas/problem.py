"""RFC 9457 problem details."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

PROBLEM_MEDIA_TYPE = "application/problem+json"


class FieldProblem(BaseModel):
    """One invalid part of a request: a JSON pointer into the body, or a parameter name."""

    pointer: str | None = Field(default=None, examples=["#/title"])
    parameter: str | None = Field(default=None, examples=["limit"])
    header: str | None = Field(default=None, examples=["If-Match"])
    detail: str = Field(examples=["String should have at most 200 characters"])


class Problem(BaseModel):
    """An error response (RFC 9457 `application/problem+json`) with a stable `code`."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "type": "urn:problem-type:not_found",
                    "title": "Not Found",
                    "status": 404,
                    "detail": "No to-do with this id.",
                    "code": "not_found",
                    "request_id": "c6af9ac6-7b61-11e6-9a41-93e8deadbeef",
                }
            ]
        }
    )

    type: str = Field(description="URI naming the problem type: `urn:problem-type:{code}`.")
    title: str
    status: int
    detail: str
    code: str = Field(description="Stable, machine-readable error code.")
    request_id: str | None = None
    errors: list[FieldProblem] | None = None
