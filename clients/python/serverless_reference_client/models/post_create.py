from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="PostCreate")


@_attrs_define
class PostCreate:
    """A new post; `body` is Markdown (raw HTML in it is shown as text, never run).

    Attributes:
        slug (str):
        title (str):
        body (str):
        summary (str | Unset):  Default: ''.
    """

    slug: str
    title: str
    body: str
    summary: str | Unset = ""

    def to_dict(self) -> dict[str, Any]:
        slug = self.slug

        title = self.title

        body = self.body

        summary = self.summary

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "slug": slug,
                "title": title,
                "body": body,
            }
        )
        if summary is not UNSET:
            field_dict["summary"] = summary

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        slug = d.pop("slug")

        title = d.pop("title")

        body = d.pop("body")

        summary = d.pop("summary", UNSET)

        post_create = cls(
            slug=slug,
            title=title,
            body=body,
            summary=summary,
        )

        return post_create
