from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="PostOut")


@_attrs_define
class PostOut:
    """A whole post: Markdown `body` and its sanitized `html`.

    Attributes:
        slug (str):
        title (str):
        summary (str):
        published_at (datetime.datetime):
        updated_at (datetime.datetime):
        author_id (str): Who wrote it (the user's `sub`): they, or a member of `editors`, may edit it.
        body (str):
        html (str): Sanitized HTML: safe to insert into a page.
        version (int):
    """

    slug: str
    title: str
    summary: str
    published_at: datetime.datetime
    updated_at: datetime.datetime
    author_id: str
    body: str
    html: str
    version: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        slug = self.slug

        title = self.title

        summary = self.summary

        published_at = self.published_at.isoformat()

        updated_at = self.updated_at.isoformat()

        author_id = self.author_id

        body = self.body

        html = self.html

        version = self.version

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "slug": slug,
                "title": title,
                "summary": summary,
                "publishedAt": published_at,
                "updatedAt": updated_at,
                "authorId": author_id,
                "body": body,
                "html": html,
                "version": version,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        slug = d.pop("slug")

        title = d.pop("title")

        summary = d.pop("summary")

        published_at = datetime.datetime.fromisoformat(d.pop("publishedAt"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updatedAt"))

        author_id = d.pop("authorId")

        body = d.pop("body")

        html = d.pop("html")

        version = d.pop("version")

        post_out = cls(
            slug=slug,
            title=title,
            summary=summary,
            published_at=published_at,
            updated_at=updated_at,
            author_id=author_id,
            body=body,
            html=html,
            version=version,
        )

        post_out.additional_properties = d
        return post_out

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
