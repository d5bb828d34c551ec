"""Configuration from environment variables (the names the template's `Environment` sets)."""

from __future__ import annotations

import os
from functools import lru_cache
from typing import Final, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

# Each router is a service: deployed as its own function, holding only its own data.
SERVICES: Final = ("todos", "storage", "blog", "subscriptions", "photos")
# What each service cannot start without (the template sets exactly these per function).
_REQUIRED: Final[dict[str, tuple[str, ...]]] = {
    "todos": ("todos_table", "cursor_keys"),
    "storage": ("identity_pool_id", "user_files_bucket", "storage_usage_table"),
    "blog": ("posts_table", "cursor_keys"),
    "subscriptions": ("subscribers_table", "link_keys"),
    "photos": ("photos_table", "photos_bucket"),
}


class EnvSettings(BaseModel):
    """Settings validated from the environment's variables, named by each field's alias.

    A plain pydantic model over `os.environ` rather than pydantic-settings: the same validation,
    without the ~15-40 ms that importing pydantic-settings (and python-dotenv) adds to every cold
    start for sources (dotenv files, secrets folders, JSON-in-env) no function here reads.
    """

    # Each class builds its validator when first used: a function reads one of them.
    model_config = ConfigDict(extra="ignore", frozen=True, defer_build=True)

    # What every function reads: its region, and (locally) the emulator instead of AWS.
    region: str = Field(default="us-east-1", validation_alias="AWS_REGION")
    aws_endpoint_url: str | None = Field(default=None, validation_alias="AWS_ENDPOINT_URL")

    @classmethod
    def from_environ(cls) -> Self:
        """Validate this process's environment."""
        return cls.model_validate(dict(os.environ))


class Settings(EnvSettings):
    """Everything the app reads from its environment; validated once, at start."""

    stage: str = Field(default="dev", validation_alias="STAGE")
    # Comma-separated services this process serves; empty: all of them (the local monolith).
    services_list: str = Field(default="", validation_alias="SERVICES")
    todos_table: str = Field(default="", validation_alias="TODOS_TABLE")
    user_pool_id: str = Field(default="", validation_alias="USER_POOL_ID")
    user_pool_client_id: str = Field(default="", validation_alias="USER_POOL_CLIENT_ID")
    # Secrets Manager ids of the signing key rings, one per purpose (never the keys themselves).
    cursor_keys: str = Field(default="", validation_alias="CURSOR_KEYS")
    link_keys: str = Field(default="", validation_alias="LINK_KEYS")
    key_cache_seconds: int = Field(default=300, validation_alias="KEY_CACHE_SECONDS", ge=1)
    posts_table: str = Field(default="", validation_alias="POSTS_TABLE")
    subscribers_table: str = Field(default="", validation_alias="SUBSCRIBERS_TABLE")
    photos_table: str = Field(default="", validation_alias="PHOTOS_TABLE")
    photos_bucket: str = Field(default="", validation_alias="PHOTOS_BUCKET")
    identity_pool_id: str = Field(default="", validation_alias="IDENTITY_POOL_ID")
    cognito_identity_endpoint_url: str | None = Field(
        default=None, validation_alias="AWS_ENDPOINT_URL_COGNITO_IDENTITY"
    )
    user_files_bucket: str = Field(default="", validation_alias="USER_FILES_BUCKET")
    # The storage meter's table, and each user's quota (template parameter StorageQuotaBytes).
    storage_usage_table: str = Field(default="", validation_alias="STORAGE_USAGE_TABLE")
    storage_quota_bytes: int = Field(
        default=104_857_600, validation_alias="STORAGE_QUOTA_BYTES", gt=0
    )
    dax_endpoint: str | None = Field(default=None, validation_alias="DAX_ENDPOINT")
    # The local stack's DAX stand-in: a caching DynamoDB endpoint shared by every environment.
    local_dax_endpoint: str = Field(default="", validation_alias="LOCAL_DAX_ENDPOINT")
    cache_item_ttl_ms: int = Field(default=300_000, validation_alias="CACHE_ITEM_TTL_MS", ge=0)
    cache_query_ttl_ms: int = Field(default=300_000, validation_alias="CACHE_QUERY_TTL_MS", ge=0)
    max_body_bytes: int = Field(default=65_536, validation_alias="MAX_BODY_BYTES", gt=0)
    # Where the photos service asks the blog service whether a post exists when the blog is
    # not served by the same process; empty: the API Gateway stage the request came through.
    blog_api_url: str = Field(default="", validation_alias="BLOG_API_URL")

    @model_validator(mode="after")
    def _fail_fast(self) -> Settings:
        unknown = set(self.services) - set(SERVICES)
        if unknown:
            raise ValueError(f"SERVICES names unknown services: {sorted(unknown)}")
        if self.services_list:
            for service in self.services:
                fields = type(self).model_fields
                missing = [
                    str(fields[f].validation_alias)
                    for f in _REQUIRED[service]
                    if not getattr(self, f)
                ]
                if missing:
                    raise ValueError(f"the {service} service needs {', '.join(missing)}")
        if self.dax_endpoint and self.local_dax_endpoint:
            raise ValueError("DAX_ENDPOINT and LOCAL_DAX_ENDPOINT are exclusive")
        return self

    @property
    def services(self) -> tuple[str, ...]:
        """The services this process serves, in SERVICES order."""
        named = {name.strip() for name in self.services_list.split(",") if name.strip()}
        if not named:
            return SERVICES
        return (*(s for s in SERVICES if s in named), *sorted(named - set(SERVICES)))

    def serves(self, service: str) -> bool:
        """Whether this process serves `service` and has its settings (else its routes 503)."""
        return service in self.services and all(getattr(self, f) for f in _REQUIRED[service])

    @property
    def issuer(self) -> str:
        """The `iss` Cognito puts in this pool's tokens."""
        return f"https://cognito-idp.{self.region}.amazonaws.com/{self.user_pool_id}"

    @property
    def login_provider(self) -> str:
        """The user pool's name as an identity-pool login provider (the issuer without scheme)."""
        return self.issuer.removeprefix("https://")


class SiteSettings(EnvSettings):
    """What the render function reads: the posts table, the site bucket, the distribution."""

    posts_table: str = Field(validation_alias="POSTS_TABLE", min_length=3)
    site_bucket: str = Field(validation_alias="SITE_BUCKET", min_length=3)
    distribution_id: str = Field(default="", validation_alias="DISTRIBUTION_ID")
    # Where readers reach the site (`https://<distribution or custom domain>/`): the feed, the
    # sitemap and link previews need absolute URLs.
    site_url: str = Field(validation_alias="SITE_URL", pattern=r"^https?://[^/?#\s]+(/[^?#\s]*)?$")
    # The photos service's API: pages show each post's thumbnails (empty: no photos).
    photos_api_url: str = Field(default="", validation_alias="PHOTOS_API_URL")


class PhotoSettings(EnvSettings):
    """What the thumbnail function reads."""

    photos_table: str = Field(validation_alias="PHOTOS_TABLE", min_length=3)
    photos_bucket: str = Field(validation_alias="PHOTOS_BUCKET", min_length=3)


@lru_cache(maxsize=1)
def get_photo_settings() -> PhotoSettings:
    """The thumbnail function's settings, read from the environment on first use."""
    return PhotoSettings.from_environ()


class MeterSettings(EnvSettings):
    """What the storage meter function reads."""

    storage_usage_table: str = Field(validation_alias="STORAGE_USAGE_TABLE", min_length=3)
    user_files_bucket: str = Field(validation_alias="USER_FILES_BUCKET", min_length=3)
    storage_quota_bytes: int = Field(validation_alias="STORAGE_QUOTA_BYTES", gt=0)


@lru_cache(maxsize=1)
def get_meter_settings() -> MeterSettings:
    """The storage meter's settings, read from the environment on first use."""
    return MeterSettings.from_environ()


class SubscriberMailSettings(EnvSettings):
    """What the subscriber-mail function reads."""

    subscribers_table: str = Field(validation_alias="SUBSCRIBERS_TABLE", min_length=3)
    sender_address: str = Field(validation_alias="SENDER_ADDRESS", min_length=3)
    # SES configuration set whose bounces and complaints suppress addresses (empty: none).
    configuration_set: str = Field(default="", validation_alias="SES_CONFIGURATION_SET")
    # Where the links point: `<LINKS_URL>/confirm?token=...` and `<LINKS_URL>/unsubscribe?...`.
    links_url: str = Field(validation_alias="LINKS_URL", min_length=8)
    link_keys: str = Field(validation_alias="LINK_KEYS", min_length=3)
    key_cache_seconds: int = Field(default=300, validation_alias="KEY_CACHE_SECONDS", ge=1)


@lru_cache(maxsize=1)
def get_subscriber_mail_settings() -> SubscriberMailSettings:
    """The subscriber-mail function's settings, read from the environment on first use."""
    return SubscriberMailSettings.from_environ()


class SuppressionSettings(EnvSettings):
    """What the mail-suppression function reads."""

    subscribers_table: str = Field(validation_alias="SUBSCRIBERS_TABLE", min_length=3)


@lru_cache(maxsize=1)
def get_suppression_settings() -> SuppressionSettings:
    """The mail-suppression function's settings, read from the environment on first use."""
    return SuppressionSettings.from_environ()


@lru_cache(maxsize=1)
def get_site_settings() -> SiteSettings:
    """The render function's settings, read from the environment on first use."""
    return SiteSettings.from_environ()


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process's settings, read from the environment on first use."""
    return Settings.from_environ()
