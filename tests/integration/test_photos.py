"""Photo uploads through a presigned POST, thumbnails from the S3 event, hostile files refused."""

from __future__ import annotations

import io
import json
import secrets
import time
from collections.abc import Callable
from contextlib import closing
from typing import Any

import boto3
import httpx
import pytest
from PIL import Image

from app.devstack.event_sources.dynamodb_streams import StreamPump
from app.devstack.event_sources.s3_notifications import S3EventPump
from app.devstack.ports import free_ports
from tests.conftest import EVENTS, LocalAws, SignedIn
from tests.gateways import InProcess

JPEG = {"contentType": "image/jpeg"}


@pytest.fixture(scope="module")
def author(sign_up: Callable[..., SignedIn]) -> SignedIn:
    return sign_up(author=True)


@pytest.fixture(scope="module")
def slug(client: httpx.Client, author: SignedIn) -> str:
    name = f"photos-{secrets.token_hex(3)}"
    body = {"slug": name, "title": "With photos", "body": "Look."}
    assert client.post("/posts", json=body, headers=author.headers).status_code == 201
    return name


@pytest.fixture(scope="module")
def s3(local_aws: LocalAws) -> Any:
    return boto3.client("s3", endpoint_url=local_aws.endpoint, region_name="us-east-1")


def jpeg_with_exif(width: int = 1200, height: int = 800) -> bytes:
    image = Image.new("RGB", (width, height), (200, 30, 30))
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90 CW to display
    exif[0x8825] = {1: "N", 2: (51.0, 30.0, 0.0)}  # a GPS block
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


def ticket_for(
    client: httpx.Client, author: SignedIn, slug: str, content_type: str
) -> dict[str, Any]:
    ticket = client.post(
        f"/posts/{slug}/photos", json={"contentType": content_type}, headers=author.headers
    )
    assert ticket.status_code == 201, ticket.text
    body: dict[str, Any] = ticket.json()
    assert body["photo"]["status"] == "pending"
    assert body["upload"]["fields"]["Content-Type"] == content_type
    return body


def post_file(ticket: dict[str, Any], data: bytes, **changes: str) -> httpx.Response:
    """The browser's multipart POST to S3, with the ticket's fields (and any `changes`)."""
    fields = {**ticket["upload"]["fields"], **changes}
    return httpx.post(ticket["upload"]["url"], data=fields, files={"file": ("photo", data)})


def upload(
    client: httpx.Client, author: SignedIn, slug: str, data: bytes, content_type: str
) -> dict[str, Any]:
    body = ticket_for(client, author, slug, content_type)
    posted = post_file(body, data)
    assert posted.status_code in (200, 204), posted.text
    return body


def photo_state(client: httpx.Client, slug: str, photo_id: str) -> dict[str, Any]:
    items = client.get(f"/posts/{slug}/photos").json()["items"]
    state: dict[str, Any] = next(p for p in items if p["photoId"] == photo_id)
    return state


def test_upload_makes_upright_metadata_free_thumbnails_and_the_page_shows_them(
    client: httpx.Client,
    author: SignedIn,
    slug: str,
    s3: Any,
    local_aws: LocalAws,
    photo_events: S3EventPump,
    site: tuple[str, list[StreamPump]],
) -> None:
    ticket = upload(client, author, slug, jpeg_with_exif(), "image/jpeg")
    assert ticket["upload"]["fields"]["key"] == f"uploads/{slug}/{ticket['photo']['photoId']}"
    photo_events.drain()
    state = photo_state(client, slug, ticket["photo"]["photoId"])
    assert state["status"] == "ready", state
    # The console tells the invocation in one line: what triggered it, and which function ran.
    key = ticket["upload"]["fields"]["key"]
    (told,) = [line for line in local_aws.stack.console.lines if f"PhotosBucket/{key} " in line]
    assert told.split()[1:3] == ["event", "S3"]
    assert told.split()[3].startswith("ObjectCreated:")
    assert " ok " in told
    assert " ms  ThumbnailFunction" in told
    assert set(state["thumbnails"]) == {"256", "1024"}
    bucket = local_aws.outputs["PhotosBucketName"]
    for size, path in state["thumbnails"].items():
        assert path.startswith("/thumbnails/")
        blob = s3.get_object(Bucket=bucket, Key=path.lstrip("/"))["Body"].read()
        with Image.open(io.BytesIO(blob)) as thumb:
            assert max(thumb.size) <= int(size)
            assert thumb.size[1] > thumb.size[0]  # EXIF orientation applied: portrait now
            assert not thumb.getexif()  # no EXIF, no GPS
            assert "icc_profile" not in thumb.info
    url, render = site
    for pump in render:
        pump.drain()
    with httpx.Client(base_url=url) as http:
        page = http.get(f"/posts/{slug}/").text
        assert state["thumbnails"]["256"] in page
        assert f'<a href="{state["thumbnails"]["1024"]}">' in page  # the large one, linked
        og_image = f'<meta property="og:image" content="{url}{state["thumbnails"]["1024"]}">'
        assert og_image in page  # absolute: the local site URL
        assert http.get(state["thumbnails"]["256"]).status_code == 200


@pytest.mark.parametrize(
    ("data", "content_type", "reason"),
    [
        (b"definitely not an image", "image/jpeg", "not a JPEG image"),
        (jpeg_with_exif()[:2000], "image/jpeg", "damaged or truncated image"),
        (b"GIF89a" + b"\x00" * 64, "image/png", "not a PNG image"),
        ("gif", "image/webp", "not a WEBP image"),  # a real GIF, declared as WebP
        ("svg", "image/png", "not a PNG image"),
        (jpeg_with_exif(), "image/png", "not a PNG image"),  # only the declared decoder runs
        ("bomb", "image/png", "image too large (decompression bomb limit)"),
    ],
)
def test_bad_files_are_marked_failed_with_a_reason(
    client: httpx.Client,
    author: SignedIn,
    slug: str,
    photo_events: S3EventPump,
    data: bytes | str,
    content_type: str,
    reason: str,
) -> None:
    if data == "gif":
        out = io.BytesIO()
        Image.new("P", (32, 32)).save(out, "GIF")
        data = out.getvalue()
    elif data == "svg":
        data = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    elif data == "bomb":
        out = io.BytesIO()
        Image.new("1", (9000, 9000)).save(out, "PNG")  # 81 MP of nothing: tiny file, huge image
        data = out.getvalue()
    assert isinstance(data, bytes)
    ticket = upload(client, author, slug, data, content_type)
    photo_events.drain()
    state = photo_state(client, slug, ticket["photo"]["photoId"])
    assert (state["status"], state["reason"]) == ("failed", reason)
    assert photo_events.dropped == 0  # marked, not retried


def test_only_authors_may_upload(
    client: httpx.Client, sign_up: Callable[..., SignedIn], slug: str
) -> None:
    reader = sign_up()
    refused = client.post(f"/posts/{slug}/photos", json=JPEG, headers=reader.headers)
    assert (refused.status_code, refused.json()["code"]) == (403, "forbidden")
    missing = client.post(
        "/posts/no-such-post/photos", json=JPEG, headers=sign_up(author=True).headers
    )
    assert missing.status_code == 404


@pytest.mark.parametrize(
    ("name", "outcome"), [("photo_uploaded", "unknown"), ("own_thumbnail_created", "ignored")]
)
def test_recorded_s3_events(
    photo_events: S3EventPump, s3: Any, local_aws: LocalAws, name: str, outcome: str
) -> None:
    event = json.loads((EVENTS / "s3" / f"{name}.json").read_text())
    bucket = local_aws.outputs["PhotosBucketName"]
    before = s3.list_objects_v2(Bucket=bucket).get("KeyCount", 0)
    response = photo_events.subscription.handler(event)  # the function, in its worker
    assert response == {"outcomes": {outcome: 1}}
    assert s3.list_objects_v2(Bucket=bucket).get("KeyCount", 0) == before  # nothing written


def test_the_photos_service_asks_the_blog_service_over_its_api(
    local_aws: LocalAws, author: SignedIn, slug: str, client: httpx.Client
) -> None:
    """As deployed: photos and blog are separate functions; photos holds no posts-table access
    and asks the blog's API (through the gateway) whether a post exists."""
    before = local_aws.invocations()
    created = client.post(f"/posts/{slug}/photos", json=JPEG, headers=author.headers)
    assert created.status_code == 201, created.text
    after = local_aws.invocations()
    assert after["PhotosFunction"] - before["PhotosFunction"] == 1
    assert after["PostsFunction"] - before["PostsFunction"] == 1  # the sibling call
    missing = client.post("/posts/no-such-post/photos", json=JPEG, headers=author.headers)
    assert missing.status_code == 404
    assert missing.json()["code"] == "not_found"


def test_a_forged_host_header_does_not_redirect_the_sibling_call(
    author: SignedIn, slug: str, client: httpx.Client
) -> None:
    """The blog's URL comes from API Gateway's request context, never the Host header."""
    (dead_port,) = free_ports(1)
    forged = {**author.headers, "Host": f"127.0.0.1:{dead_port}"}
    assert client.post(f"/posts/{slug}/photos", json=JPEG, headers=forged).status_code == 201


def test_with_the_blog_down_uploads_are_refused_and_nothing_is_written(
    local_aws: LocalAws, author: SignedIn, slug: str, client: httpx.Client
) -> None:
    """A stage whose blog function fails: photos answer 503 and write nothing."""

    def broken_blog(event: dict[str, Any], _context: Any) -> Any:
        raise RuntimeError("the blog is down")

    stack = local_aws.stack
    invoke = InProcess({"PostsFunction": broken_blog}, fallback=stack.functions.invoke)
    before = client.get(f"/posts/{slug}/photos").json()["items"]
    with (
        closing(invoke),
        stack.another_gateway(stack.gateway.spec, invoke) as url,
        httpx.Client(base_url=url, timeout=30) as http,
    ):
        refused = http.post(f"/posts/{slug}/photos", json=JPEG, headers=author.headers)
        assert refused.status_code == 503
        assert refused.headers["content-type"] == "application/problem+json"
        assert refused.json()["code"] == "dependency_unavailable"
        assert http.get(f"/posts/{slug}/photos").status_code == 503  # listing needs the blog too
    assert client.get(f"/posts/{slug}/photos").json()["items"] == before  # nothing written


def test_a_deleted_posts_photos_are_gone_with_it(
    client: httpx.Client, author: SignedIn, local_aws: LocalAws
) -> None:
    """Found by the fuzzer's stateful phase: the listing outlived its post."""
    name = f"gone-{secrets.token_hex(3)}"
    body = {"slug": name, "title": "Short-lived", "body": "Soon deleted."}
    assert client.post("/posts", json=body, headers=author.headers).status_code == 201
    assert (
        client.post(f"/posts/{name}/photos", json=JPEG, headers=author.headers).status_code == 201
    )
    assert len(client.get(f"/posts/{name}/photos").json()["items"]) == 1
    assert client.delete(f"/posts/{name}", headers=author.headers).status_code == 204
    listing = client.get(f"/posts/{name}/photos")
    assert listing.status_code == 404
    assert listing.json()["code"] == "not_found"
    assert client.get("/posts/never-was/photos").status_code == 404


@pytest.mark.parametrize("content_type", ["image/gif", "image/svg+xml", "image/*", "text/html"])
def test_only_jpeg_png_and_webp_can_be_declared(
    client: httpx.Client, author: SignedIn, slug: str, content_type: str
) -> None:
    before = client.get(f"/posts/{slug}/photos").json()["items"]
    refused = client.post(
        f"/posts/{slug}/photos", json={"contentType": content_type}, headers=author.headers
    )
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["pointer"] == "#/contentType"
    refused = client.post(f"/posts/{slug}/photos", json={}, headers=author.headers)
    assert refused.status_code == 422
    assert client.get(f"/posts/{slug}/photos").json()["items"] == before


@pytest.mark.parametrize(
    ("changes", "data", "status", "code"),
    [
        ({"Content-Type": "image/gif"}, b"GIF89a", 403, "AccessDenied"),
        ({"Content-Type": "image/svg+xml"}, b"<svg/>", 403, "AccessDenied"),
        ({"key": "uploads/elsewhere/x"}, b"x", 403, "AccessDenied"),
        ({"x-amz-meta-evil": "1"}, b"x", 403, "AccessDenied"),
        ({}, b"", 400, "EntityTooSmall"),
    ],
)
def test_s3_stores_only_what_the_ticket_allows(
    client: httpx.Client,
    author: SignedIn,
    slug: str,
    s3: Any,
    local_aws: LocalAws,
    changes: dict[str, str],
    data: bytes,
    status: int,
    code: str,
) -> None:
    """The presigned POST's policy pins the key, the declared type and a size: the local S3
    checks policies as S3 does (the emulator alone would store anything)."""
    ticket = ticket_for(client, author, slug, "image/jpeg")
    refused = post_file(ticket, data, **changes)
    assert refused.status_code == status, refused.text
    assert f"<Code>{code}</Code>" in refused.text
    bucket = local_aws.outputs["PhotosBucketName"]
    assert (
        s3.list_objects_v2(Bucket=bucket, Prefix=ticket["upload"]["fields"]["key"])["KeyCount"] == 0
    )
    assert s3.list_objects_v2(Bucket=bucket, Prefix="uploads/elsewhere/")["KeyCount"] == 0


def test_an_upload_gone_before_its_event_is_marked_failed(
    client: httpx.Client,
    author: SignedIn,
    slug: str,
    s3: Any,
    local_aws: LocalAws,
    photo_events: S3EventPump,
) -> None:
    ticket = upload(client, author, slug, jpeg_with_exif(), "image/jpeg")
    bucket = local_aws.outputs["PhotosBucketName"]
    s3.delete_object(Bucket=bucket, Key=ticket["upload"]["fields"]["key"])
    photo_events.drain()
    state = photo_state(client, slug, ticket["photo"]["photoId"])
    assert state["status"] == "failed"
    assert state["reason"] == "the upload was not found (deleted before it was processed)"
    assert photo_events.dropped == 0


def test_a_ticket_never_used_expires(
    client: httpx.Client, author: SignedIn, slug: str, local_aws: LocalAws
) -> None:
    """Pending photos carry the table's TTL attribute: past it they are not listed, and the
    local TTL process deletes them as DynamoDB's does (time is moved by moving the attribute)."""
    ticket = ticket_for(client, author, slug, "image/png")
    photo_id = ticket["photo"]["photoId"]
    dynamodb = local_aws.stack.client("dynamodb")
    table = local_aws.stack.provisioned.refs["PhotosTable"]
    key = {"slug": {"S": slug}, "photoId": {"S": photo_id}}
    expires = int(dynamodb.get_item(TableName=table, Key=key)["Item"]["expiresAt"]["N"])
    assert 3500 < expires - time.time() <= 3600
    listed = [p["photoId"] for p in client.get(f"/posts/{slug}/photos").json()["items"]]
    assert photo_id in listed
    dynamodb.update_item(
        TableName=table,
        Key=key,
        UpdateExpression="SET expiresAt = :past",
        ExpressionAttributeValues={":past": {"N": str(int(time.time()) - 1)}},
    )
    time.sleep(0.01)
    listed = [
        p["photoId"]
        for p in client.get(f"/posts/{slug}/photos", params={"fresh": photo_id}).json()["items"]
    ]
    assert photo_id not in listed
    assert local_aws.stack.ttl.sweep() >= 1
    assert "Item" not in dynamodb.get_item(TableName=table, Key=key)


def test_authors_add_and_delete_only_their_own_photos_and_editors_any(
    client: httpx.Client,
    author: SignedIn,
    slug: str,
    sign_up: Callable[..., SignedIn],
    s3: Any,
    local_aws: LocalAws,
    photo_events: S3EventPump,
) -> None:
    other, editor = sign_up(author=True), sign_up(editor=True)
    refused = client.post(f"/posts/{slug}/photos", json=JPEG, headers=other.headers)
    assert (refused.status_code, refused.json()["code"]) == (403, "not_yours")
    ticket = upload(client, author, slug, jpeg_with_exif(), "image/jpeg")
    photo_events.drain()
    photo_id = ticket["photo"]["photoId"]
    state = photo_state(client, slug, photo_id)
    assert (state["status"], state["uploaderId"]) == ("ready", author.sub)
    url = f"/posts/{slug}/photos/{photo_id}"
    not_yours = client.delete(url, headers=other.headers)
    assert (not_yours.status_code, not_yours.json()["code"]) == (403, "not_yours")
    assert client.delete(url, headers=sign_up().headers).status_code == 403
    by_editor = ticket_for(client, editor, slug, "image/webp")  # an editor adds to any post
    assert by_editor["photo"]["uploaderId"] == editor.sub
    assert client.delete(url, headers=author.headers).status_code == 204
    bucket = local_aws.outputs["PhotosBucketName"]
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket).get("Contents", [])]
    assert not [k for k in keys if photo_id in k]  # the upload and its thumbnails
    listed = client.get(f"/posts/{slug}/photos", params={"fresh": photo_id}).json()["items"]
    assert photo_id not in [p["photoId"] for p in listed]
    assert client.delete(url, headers=author.headers).status_code == 404
    other_url = f"/posts/{slug}/photos/{by_editor['photo']['photoId']}"
    assert client.delete(other_url, headers=author.headers).status_code == 403
    assert client.delete(other_url, headers=editor.headers).status_code == 204


@pytest.mark.parametrize("slug", ["%2E", "%2E%2E", "UPPER", "a%20b", "x" * 81])
def test_what_cannot_be_a_slug_is_not_asked_of_the_blog(
    client: httpx.Client, author: SignedIn, local_aws: LocalAws, slug: str
) -> None:
    """Found by the fuzzer: `.` reached the blog's API as a dot segment, which the HTTP client
    removed, and the photos service answered 503 for a post that cannot exist."""
    before = local_aws.invocations()
    created = client.post(f"/posts/{slug}/photos", json=JPEG, headers=author.headers)
    assert (created.status_code, created.json()["code"]) == (404, "not_found")
    listed = client.get(f"/posts/{slug}/photos")
    assert (listed.status_code, listed.json()["code"]) == (404, "not_found")
    assert local_aws.invocations()["PostsFunction"] == before["PostsFunction"]
