from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="TodoCreate")


@_attrs_define
class TodoCreate:
    """A new to-do.

    Attributes:
        title (str):
        notes (str | Unset):  Default: ''.
        done (bool | Unset):  Default: False.
        due_date (datetime.date | None | Unset): ISO 8601 date (YYYY-MM-DD).
    """

    title: str
    notes: str | Unset = ""
    done: bool | Unset = False
    due_date: datetime.date | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        title = self.title

        notes = self.notes

        done = self.done

        due_date: None | str | Unset
        if isinstance(self.due_date, Unset):
            due_date = UNSET
        elif isinstance(self.due_date, datetime.date):
            due_date = self.due_date.isoformat()
        else:
            due_date = self.due_date

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "title": title,
            }
        )
        if notes is not UNSET:
            field_dict["notes"] = notes
        if done is not UNSET:
            field_dict["done"] = done
        if due_date is not UNSET:
            field_dict["dueDate"] = due_date

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        title = d.pop("title")

        notes = d.pop("notes", UNSET)

        done = d.pop("done", UNSET)

        def _parse_due_date(data: object) -> datetime.date | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                due_date_type_0 = datetime.date.fromisoformat(data)

                return due_date_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None | Unset, data)

        due_date = _parse_due_date(d.pop("dueDate", UNSET))

        todo_create = cls(
            title=title,
            notes=notes,
            done=done,
            due_date=due_date,
        )

        return todo_create
