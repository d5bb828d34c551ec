"""The local updates edge (Debian's nginx) in front of a static origin, over real HTTP."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from app.devstack.ports import free_ports
from updates.demo import make_update_files
from updates.edge import MANIFEST_CACHE_CONTROL, edge_behaviors, edge_config, origin_config
from updates.nginx import Nginx, read_log

SIZE_MB = 8  # eight 1 MiB slices
FILE = "/releases/app-2.0.0.bin"


@dataclass(frozen=True)
class Edge:
    url: str
    state: Path
    update: Path

    def origin_requests(self) -> list[str]:
        log = self.state / "origin-access.log"
        return log.read_text().splitlines() if log.exists() else []


@pytest.fixture(scope="module")
def edge(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Edge]:
    state = tmp_path_factory.mktemp("updates")
    update = make_update_files(state / "origin", SIZE_MB)
    origin_port, edge_port = free_ports(2)
    origin = Nginx(
        "origin", origin_config(state / "origin", port=origin_port, state=state), state, origin_port
    )
    config = edge_config(
        edge_behaviors(),
        port=edge_port,
        origin_port=origin_port,
        state=state,
        origin_host="downloads.example.com",
    )
    with origin, Nginx("edge", config, state, edge_port):
        yield Edge(f"http://127.0.0.1:{edge_port}", state, update)


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_a_cold_flash_crowd_reaches_the_origin_once_per_slice(edge: Edge) -> None:
    expected = digest(edge.update.read_bytes())

    def download(_: int) -> tuple[int, str, str]:
        response = httpx.get(f"{edge.url}{FILE}?version=2.0.0", timeout=30)
        return response.status_code, digest(response.content), response.headers["x-cache"]

    with ThreadPoolExecutor(16) as pool:
        results = list(pool.map(download, range(16)))
    assert all(status == 200 and body == expected for status, body, _ in results)
    slices = edge.origin_requests()
    assert len(slices) == SIZE_MB  # sixteen clients, each slice fetched once (cache lock)
    assert all('" 206 1048576 ' in line for line in slices)
    again = httpx.get(f"{edge.url}{FILE}?version=2.0.0", timeout=30)
    assert again.headers["x-cache"] == "HIT"
    assert len(edge.origin_requests()) == SIZE_MB


def test_resumed_downloads_are_served_from_cached_slices(edge: Edge) -> None:
    httpx.get(f"{edge.url}{FILE}?version=2.0.0", timeout=30)  # warm (no-op if warm already)
    before = len(edge.origin_requests())
    data = edge.update.read_bytes()
    for start, end in ((3_000_000, 3_000_999), (1_048_000, 1_049_000), (8_000_000, None)):
        header = f"bytes={start}-{'' if end is None else end}"
        response = httpx.get(
            f"{edge.url}{FILE}?version=2.0.0", headers={"Range": header}, timeout=30
        )
        assert response.status_code == 206
        assert response.content == data[start : None if end is None else end + 1]
        assert response.headers["x-cache"] == "HIT"
    assert len(edge.origin_requests()) == before


def test_only_selecting_query_strings_key_the_cache_or_reach_the_origin(edge: Edge) -> None:
    httpx.get(f"{edge.url}{FILE}?version=2.0.0", timeout=30)
    before = len(edge.origin_requests())
    noisy = httpx.get(f"{edge.url}{FILE}?utm_source=mail&version=2.0.0&t=123", timeout=30)
    assert noisy.headers["x-cache"] == "HIT"  # the same object: junk is not in the key
    assert len(edge.origin_requests()) == before
    other = httpx.get(f"{edge.url}{FILE}?version=2.0.1&platform=linux", timeout=30)
    assert other.headers["x-cache"] == "MISS"  # another selector, another object
    fetched = edge.origin_requests()[before:]
    assert len(fetched) == SIZE_MB
    assert all("version=2.0.1" in line and "platform=linux" in line for line in fetched)
    assert not any("utm_source" in line or "t=123" in line for line in edge.origin_requests())


def test_manifests_follow_the_origins_cache_control_and_are_compressed(edge: Edge) -> None:
    first = httpx.get(f"{edge.url}/latest.json", headers={"Accept-Encoding": "gzip"}, timeout=10)
    assert first.status_code == 200
    assert first.headers["cache-control"] == MANIFEST_CACHE_CONTROL
    assert first.headers["content-encoding"] == "gzip"
    assert first.json()["version"] == "2.0.0"  # httpx decodes gzip
    second = httpx.get(f"{edge.url}/latest.json", timeout=10)
    assert second.headers["x-cache"] == "HIT"
    binary = httpx.get(
        f"{edge.url}{FILE}?version=2.0.0",
        headers={"Accept-Encoding": "gzip", "Range": "bytes=0-99"},
        timeout=10,
    )
    assert "content-encoding" not in binary.headers  # binaries are never recompressed
    assert binary.content == edge.update.read_bytes()[:100]


def test_edge_and_origin_logs_count_what_was_served(edge: Edge) -> None:
    edge_log = read_log(edge.state / "edge-access.log")
    origin_log = read_log(edge.state / "origin-access.log")
    assert edge_log.requests >= 16
    assert edge_log.hits >= 1
    assert origin_log.body_bytes < edge_log.body_bytes
