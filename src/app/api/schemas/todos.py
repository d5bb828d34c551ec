"""To-do request and response bodies."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StrictStr,
    StringConstraints,
    field_validator,
)
from pydantic.alias_generators import to_camel
from pydantic.config import JsonDict

from app.domain.todos import NOTES_MAX, TITLE_MAX, Todo

TODO_EXAMPLE: JsonDict = {
    "id": "01JD3Z6Q8W0M9T7K5X2R4V6B8N",
    "title": "Buy milk",
    "notes": "",
    "done": False,
    "dueDate": "2026-12-01",
    "createdAt": "2026-11-27T09:30:00.000Z",
    "updatedAt": "2026-11-27T09:30:00.000Z",
    "version": 1,
}


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _date_string(value: object) -> object:
    # Pydantic's lax date reads the number 0, and the string "0", as a Unix time (1970-01-01):
    # only a full ISO 8601 calendar date is a date here (the fuzzer sent "0").
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str) or _ISO_DATE.fullmatch(value) is None:
        raise ValueError("must be an ISO 8601 date string (YYYY-MM-DD)")
    return value


# Strict: "true" is not a boolean, 1 is not a title and 0 is not a date.
Title = Annotated[StrictStr, StringConstraints(min_length=1, max_length=TITLE_MAX)]
Notes = Annotated[StrictStr, StringConstraints(max_length=NOTES_MAX)]
DueDate = Annotated[dt.date, BeforeValidator(_date_string)]


class _Body(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="forbid")


class TodoCreate(_Body):
    """A new to-do."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"title": "Buy milk", "dueDate": "2026-12-01"}]}
    )

    title: Title
    notes: Notes = ""
    done: StrictBool = False
    due_date: DueDate | None = Field(default=None, description="ISO 8601 date (YYYY-MM-DD).")


class TodoPatch(_Body):
    """A partial update: only the fields present change; `null` clears `notes` or `dueDate`."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"done": True}]})

    title: Title | None = None
    notes: Notes | None = None
    done: StrictBool | None = None
    due_date: DueDate | None = None

    @field_validator("title", "done")
    @classmethod
    def _not_null(cls, value: object) -> object:
        # Only runs for fields the client sent: an explicit null cannot clear these.
        if value is None:
            raise ValueError("may be omitted but not null")
        return value


class TodoOut(BaseModel):
    """A stored to-do."""

    model_config = ConfigDict(
        alias_generator=to_camel,
        populate_by_name=True,
        json_schema_extra={"examples": [TODO_EXAMPLE]},
    )

    id: str = Field(examples=["01JD3Z6Q8W0M9T7K5X2R4V6B8N"])
    title: str
    notes: str
    done: bool
    due_date: dt.date | None
    created_at: dt.datetime
    updated_at: dt.datetime
    version: int = Field(description="Grows by one on every write; the ETag is derived from it.")

    @classmethod
    def of(cls, todo: Todo) -> TodoOut:
        """Represent a domain to-do."""
        return cls(
            id=todo.id,
            title=todo.title,
            notes=todo.notes,
            done=todo.done,
            due_date=todo.due_date,
            created_at=todo.created_at,
            updated_at=todo.updated_at,
            version=todo.version,
        )


class TodoList(BaseModel):
    """One page of to-dos, newest first."""

    model_config = ConfigDict(
        alias_generator=to_camel,
        populate_by_name=True,
        json_schema_extra={"examples": [{"items": [TODO_EXAMPLE], "nextCursor": None}]},
    )

    items: list[TodoOut]
    next_cursor: str | None = Field(
        description="Pass as `cursor` to get the next page; null on the last page."
    )
