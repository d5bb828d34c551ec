"""Composition root: builds every client and service once per process (Lambda environment)."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from app.adapters.clock import SystemClock
from app.adapters.dynamodb_transport import DaxTransport, connect_now, dax_client_factory
from app.adapters.ids import UlidGenerator
from app.adapters.signing_keys import KeyRings, SecretsManagerKeyRing
from app.adapters.todos_dynamodb import DynamoTodoRepository, bind_todo_table
from app.domain.cursors import CursorCodec
from app.domain.errors import DependencyUnavailable
from app.domain.posts import PostService
from app.domain.storage import StorageService
from app.domain.subscriptions import SubscriptionService, Suppressions
from app.domain.todos import TodoService
from app.settings import (
    MeterSettings,
    PhotoSettings,
    Settings,
    SiteSettings,
    SubscriberMailSettings,
    SuppressionSettings,
)

if TYPE_CHECKING:
    from app.domain.metering import StorageMeter
    from app.domain.photos import PhotoCatalog, PhotoService, PostDirectory, Thumbnailer
    from app.domain.subscriber_mail import SubscriberMail
    from app.site.render import CdnInvalidator, SiteRenderer

# A function imports only the adapters and use cases of the services it serves (each costs
# cold-start time): they are imported where each service is built.


@dataclass(frozen=True, slots=True)
class Container:
    """What the API and handlers need, built once; a service this process does not serve is None."""

    settings: Settings
    todos: TodoService | None = None
    storage: StorageService | None = None
    posts: PostService | None = None
    subscriptions: SubscriptionService | None = None
    photos: PhotoService | None = None
    # The blog service as the photos service sees it, given the base URL a request came in on.
    post_directory: Callable[[str], PostDirectory] | None = None
    # The signing key rings this process reads (handlers load them at init).
    key_rings: tuple[SecretsManagerKeyRing, ...] = ()
    # Every id generator built here: a snapshot restore resets them (SnapStart).
    id_generators: tuple[UlidGenerator, ...] = ()

    def load_keys(self) -> None:
        """Read every signing key ring now: a function that cannot fails to start."""
        for ring in self.key_rings:
            ring.load()

    def before_snapshot(self) -> None:
        """Nothing unique may be captured in a snapshot: no id generator state."""
        for generator in self.id_generators:
            generator.reset()

    def after_restore(self) -> None:
        """What each environment resumed from one snapshot must not share with the others (AWS
        docs, "Handling uniqueness with Lambda SnapStart"): the `random` module's state, the id
        generators' monotonic state, and caches whose age the snapshot hides (the key rings)."""
        random.seed()  # from os.urandom, which the restored kernel reseeds
        for generator in self.id_generators:
            generator.reset()
        for ring in self.key_rings:
            ring.forget()


def build_container(settings: Settings) -> Container:
    """Wire adapters into the use cases of the services `settings` names."""
    rings = KeyRings(settings.region, settings.aws_endpoint_url, settings.key_cache_seconds)
    generators: list[UlidGenerator] = []
    todos = None
    if settings.serves("todos"):
        repository = _todo_repository(settings)
        todos = TodoService(
            repository=repository,
            cursors=CursorCodec(rings(settings.cursor_keys)),
            ids=_new(generators),
            clock=SystemClock(),
        )
    storage = None
    if settings.serves("storage"):
        from app.adapters.cognito_identity import CognitoIdentityDirectory
        from app.adapters.storage_usage import DynamoUsageLedger, bind_usage_model

        storage = StorageService(
            CognitoIdentityDirectory(
                settings.identity_pool_id,
                settings.login_provider,
                settings.region,
                endpoint_url=settings.cognito_identity_endpoint_url,
            ),
            DynamoUsageLedger(
                bind_usage_model(
                    settings.storage_usage_table, settings.region, settings.aws_endpoint_url
                )
            ),
            quota_bytes=settings.storage_quota_bytes,
            bucket=settings.user_files_bucket,
            region=settings.region,
            identity_pool_id=settings.identity_pool_id,
            login_provider=settings.login_provider,
        )
    posts = None
    if settings.serves("blog"):
        from app.adapters.markdown import SafeMarkdown  # only functions that serve the blog
        from app.adapters.posts_dynamodb import DynamoPostRepository, bind_post_model

        model, feed = bind_post_model(
            settings.posts_table, settings.region, settings.aws_endpoint_url
        )
        posts = PostService(
            DynamoPostRepository(model, feed),
            SafeMarkdown(),
            CursorCodec(rings(settings.cursor_keys)),
            SystemClock(),
        )
    photos, post_directory = None, None
    if settings.serves("photos"):
        from app.adapters.photos_aws import DynamoPhotoRepository, S3PhotoStore, bind_photo_model
        from app.domain.photos import PhotoService

        photos = PhotoService(
            DynamoPhotoRepository(
                bind_photo_model(settings.photos_table, settings.region, settings.aws_endpoint_url)
            ),
            S3PhotoStore.build(settings.region, settings.photos_bucket, settings.aws_endpoint_url),
            _new(generators),
            SystemClock(),
        )
        post_directory = _post_directory(settings, posts)
    subscriptions = None
    if settings.serves("subscriptions"):
        subscriptions = _subscription_service(
            settings.subscribers_table,
            settings.region,
            settings.aws_endpoint_url,
            CursorCodec(rings(settings.link_keys)),
        )
    return Container(
        settings=settings,
        todos=todos,
        posts=posts,
        subscriptions=subscriptions,
        photos=photos,
        post_directory=post_directory,
        storage=storage,
        key_rings=tuple(rings.built.values()),
        id_generators=tuple(generators),
    )


def _new(generators: list[UlidGenerator]) -> UlidGenerator:
    generator = UlidGenerator()
    generators.append(generator)
    return generator


def _post_directory(
    settings: Settings, posts: PostService | None
) -> Callable[[str], PostDirectory]:
    """In process when this process also serves the blog; else the blog's REST API."""
    if posts is not None:
        return lambda _base_url: posts
    from app.adapters.service_apis import BlogApi, http_client  # only the photos function

    client = http_client()
    fixed = settings.blog_api_url

    def directory(api_base_url: str) -> PostDirectory:
        if not (fixed or api_base_url):
            raise DependencyUnavailable("the blog service's URL is unknown: set BLOG_API_URL")
        return BlogApi(fixed or api_base_url, client)

    return directory


def build_site_renderer(settings: SiteSettings) -> SiteRenderer:
    """The render function's collaborators: posts table, site bucket, CloudFront (if any)."""
    from app.adapters.posts_dynamodb import DynamoPostRepository, bind_post_model
    from app.adapters.site_s3 import CloudFrontInvalidator, NoEdge, S3SitePublisher
    from app.site.render import SiteRenderer

    model, feed = bind_post_model(settings.posts_table, settings.region, settings.aws_endpoint_url)
    invalidator: CdnInvalidator = NoEdge()
    if settings.distribution_id:
        invalidator = CloudFrontInvalidator.build(settings.region, settings.distribution_id)
    photos: PhotoCatalog | None = None
    if settings.photos_api_url:
        # The photos service owns its table: the renderer reads it through that service's API.
        from app.adapters.service_apis import PhotosApi, http_client

        photos = PhotosApi(settings.photos_api_url, http_client())
    return SiteRenderer(
        DynamoPostRepository(model, feed),
        S3SitePublisher.build(settings.region, settings.site_bucket, settings.aws_endpoint_url),
        invalidator,
        photos,
        site_url=settings.site_url,
    )


def _subscription_service(
    table: str, region: str, endpoint: str | None, links: CursorCodec
) -> SubscriptionService:
    from app.adapters.subscribers_dynamodb import DynamoSubscriberRepository, bind_subscriber_model

    return SubscriptionService(
        DynamoSubscriberRepository(bind_subscriber_model(table, region, endpoint)),
        links,
        SystemClock(),
    )


def build_thumbnailer(settings: PhotoSettings) -> Thumbnailer:
    """The thumbnail function's collaborators: photos table, photos bucket, Pillow."""
    from app.adapters.images import make_thumbnails  # Pillow loads only where it is used
    from app.adapters.photos_aws import DynamoPhotoRepository, S3PhotoStore, bind_photo_model
    from app.domain.photos import Thumbnailer

    return Thumbnailer(
        DynamoPhotoRepository(
            bind_photo_model(settings.photos_table, settings.region, settings.aws_endpoint_url)
        ),
        S3PhotoStore.build(settings.region, settings.photos_bucket, settings.aws_endpoint_url),
        make_thumbnails,
    )


def build_storage_meter(settings: MeterSettings) -> StorageMeter:
    """The storage meter's collaborators: its usage table, the user-files bucket, the clock."""
    from app.adapters.storage_usage import DynamoUsageLedger, S3VersionRemover, bind_usage_model
    from app.domain.metering import StorageMeter

    return StorageMeter(
        DynamoUsageLedger(
            bind_usage_model(
                settings.storage_usage_table, settings.region, settings.aws_endpoint_url
            )
        ),
        S3VersionRemover.build(settings.region, settings.user_files_bucket),
        SystemClock(),
        quota_bytes=settings.storage_quota_bytes,
    )


def build_subscriber_mail(settings: SubscriberMailSettings) -> SubscriberMail:
    """The subscriber-mail function's collaborators: subscribers table, SES, the link keys."""
    from app.adapters.ses_mail import SesMailer
    from app.adapters.subscribers_dynamodb import DynamoSubscriberRepository, bind_subscriber_model
    from app.domain.subscriber_mail import SubscriberMail

    rings = KeyRings(settings.region, settings.aws_endpoint_url, settings.key_cache_seconds)
    links = rings(settings.link_keys)
    links.load()  # at init: a function that cannot read its keys fails to start
    repository = DynamoSubscriberRepository(
        bind_subscriber_model(
            settings.subscribers_table, settings.region, settings.aws_endpoint_url
        )
    )
    mailer = SesMailer.build(
        settings.region,
        settings.sender_address,
        settings.aws_endpoint_url,
        configuration_set=settings.configuration_set,
    )
    subscriptions = SubscriptionService(repository, CursorCodec(links), SystemClock())
    return SubscriberMail(repository, mailer, subscriptions, settings.links_url)


def build_suppressions(settings: SuppressionSettings) -> Suppressions:
    """The mail-suppression function's collaborator: the subscribers table."""
    from app.adapters.subscribers_dynamodb import DynamoSubscriberRepository, bind_subscriber_model

    return Suppressions(
        DynamoSubscriberRepository(
            bind_subscriber_model(
                settings.subscribers_table, settings.region, settings.aws_endpoint_url
            )
        )
    )


def _todo_repository(settings: Settings) -> DynamoTodoRepository:
    """Reads through DAX on AWS when DAX_ENDPOINT is set; locally through the local stack's DAX
    stand-in, a caching DynamoDB endpoint (LOCAL_DAX_ENDPOINT); else straight from DynamoDB."""
    table, region, endpoint = settings.todos_table, settings.region, settings.aws_endpoint_url
    direct = bind_todo_table(table, region, endpoint)
    connect_now(direct.todos, direct.markers)
    if settings.dax_endpoint:
        cached = bind_todo_table(
            table, region, transport=DaxTransport(dax_client_factory(settings.dax_endpoint, region))
        )
    elif settings.local_dax_endpoint:
        cached = bind_todo_table(table, region, settings.local_dax_endpoint)
    else:
        return DynamoTodoRepository(direct)
    return DynamoTodoRepository(
        direct, cached=cached, recent_write_window=settings.cache_query_ttl_ms / 1000
    )
