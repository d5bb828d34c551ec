"""Configuration from environment variables (the names the template's `Environment` sets)."""

from __future__ import annotations

from functools import lru_cache
from ipaddress import ip_address
from typing import Literal
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

_LOOPBACK_NAMES = {"localhost"}


class Settings(BaseSettings):
    """Everything the app reads from its environment; validated once, at start."""

    model_config = SettingsConfigDict(extra="ignore", frozen=True)

    stage: str = Field(default="dev", validation_alias="STAGE")
    region: str = Field(default="us-east-1", validation_alias="AWS_REGION")
    todos_table: str = Field(validation_alias="TODOS_TABLE", min_length=3)
    auth_mode: Literal["apigateway", "jwt"] = Field(
        default="apigateway", validation_alias="AUTH_MODE"
    )
    user_pool_id: str = Field(default="", validation_alias="USER_POOL_ID")
    user_pool_client_id: str = Field(default="", validation_alias="USER_POOL_CLIENT_ID")
    jwks_url: str = Field(default="", validation_alias="JWKS_URL")
    cursor_secret: SecretStr = Field(validation_alias="CURSOR_SECRET")
    aws_endpoint_url: str | None = Field(default=None, validation_alias="AWS_ENDPOINT_URL")
    posts_table: str = Field(default="", validation_alias="POSTS_TABLE")
    subscribers_table: str = Field(default="", validation_alias="SUBSCRIBERS_TABLE")
    photos_table: str = Field(default="", validation_alias="PHOTOS_TABLE")
    photos_bucket: str = Field(default="", validation_alias="PHOTOS_BUCKET")
    identity_pool_id: str = Field(default="", validation_alias="IDENTITY_POOL_ID")
    cognito_identity_endpoint_url: str | None = Field(
        default=None, validation_alias="AWS_ENDPOINT_URL_COGNITO_IDENTITY"
    )
    user_files_bucket: str = Field(default="", validation_alias="USER_FILES_BUCKET")
    dax_endpoint: str | None = Field(default=None, validation_alias="DAX_ENDPOINT")
    local_read_cache: bool = Field(default=False, validation_alias="LOCAL_READ_CACHE")
    cache_item_ttl_ms: int = Field(default=300_000, validation_alias="CACHE_ITEM_TTL_MS", ge=0)
    cache_query_ttl_ms: int = Field(default=300_000, validation_alias="CACHE_QUERY_TTL_MS", ge=0)
    max_body_bytes: int = Field(default=65_536, validation_alias="MAX_BODY_BYTES", gt=0)

    @model_validator(mode="after")
    def _fail_fast(self) -> Settings:
        if self.dax_endpoint and self.local_read_cache:
            raise ValueError("DAX_ENDPOINT and LOCAL_READ_CACHE are exclusive")
        if len(self.cursor_secret.get_secret_value().encode()) < 32:
            raise ValueError("CURSOR_SECRET must be at least 32 bytes")
        if self.auth_mode == "jwt":
            if not (self.user_pool_id and self.user_pool_client_id and self.jwks_url):
                raise ValueError(
                    "AUTH_MODE=jwt needs USER_POOL_ID, USER_POOL_CLIENT_ID and JWKS_URL"
                )
            # The local emulator signs every pool's tokens with a key published in its
            # package; in-app verification is for the local stack only, never a real deployment.
            if not _is_loopback(self.jwks_url):
                raise ValueError("AUTH_MODE=jwt is for the local stack: JWKS_URL must be loopback")
        return self

    @property
    def issuer(self) -> str:
        """The `iss` Cognito puts in this pool's tokens."""
        return f"https://cognito-idp.{self.region}.amazonaws.com/{self.user_pool_id}"

    @property
    def login_provider(self) -> str:
        """The user pool's name as an identity-pool login provider (the issuer without scheme)."""
        return self.issuer.removeprefix("https://")


def _is_loopback(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    if host in _LOOPBACK_NAMES:
        return True
    try:
        return ip_address(host).is_loopback
    except ValueError:
        return False


class SiteSettings(BaseSettings):
    """What the render function reads: the posts table, the site bucket, the distribution."""

    model_config = SettingsConfigDict(extra="ignore", frozen=True)

    region: str = Field(default="us-east-1", validation_alias="AWS_REGION")
    posts_table: str = Field(validation_alias="POSTS_TABLE", min_length=3)
    site_bucket: str = Field(validation_alias="SITE_BUCKET", min_length=3)
    distribution_id: str = Field(default="", validation_alias="DISTRIBUTION_ID")
    photos_table: str = Field(default="", validation_alias="PHOTOS_TABLE")
    aws_endpoint_url: str | None = Field(default=None, validation_alias="AWS_ENDPOINT_URL")


class PhotoSettings(BaseSettings):
    """What the thumbnail function reads."""

    model_config = SettingsConfigDict(extra="ignore", frozen=True)

    region: str = Field(default="us-east-1", validation_alias="AWS_REGION")
    photos_table: str = Field(validation_alias="PHOTOS_TABLE", min_length=3)
    photos_bucket: str = Field(validation_alias="PHOTOS_BUCKET", min_length=3)
    aws_endpoint_url: str | None = Field(default=None, validation_alias="AWS_ENDPOINT_URL")


@lru_cache(maxsize=1)
def get_photo_settings() -> PhotoSettings:
    """The thumbnail function's settings, read from the environment on first use."""
    return PhotoSettings()


class WelcomeSettings(BaseSettings):
    """What the welcome-email function reads."""

    model_config = SettingsConfigDict(extra="ignore", frozen=True)

    region: str = Field(default="us-east-1", validation_alias="AWS_REGION")
    subscribers_table: str = Field(validation_alias="SUBSCRIBERS_TABLE", min_length=3)
    sender_address: str = Field(validation_alias="SENDER_ADDRESS", min_length=3)
    unsubscribe_url: str = Field(validation_alias="UNSUBSCRIBE_URL", min_length=8)
    cursor_secret: SecretStr = Field(validation_alias="CURSOR_SECRET", min_length=32)
    aws_endpoint_url: str | None = Field(default=None, validation_alias="AWS_ENDPOINT_URL")


@lru_cache(maxsize=1)
def get_welcome_settings() -> WelcomeSettings:
    """The welcome function's settings, read from the environment on first use."""
    return WelcomeSettings()


@lru_cache(maxsize=1)
def get_site_settings() -> SiteSettings:
    """The render function's settings, read from the environment on first use."""
    return SiteSettings()


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process's settings, read from the environment on first use."""
    return Settings()
