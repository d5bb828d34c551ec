"""A release-day flash crowd, through the edge and straight at the origin, in one run.

The origin is a plain static nginx (the unchanged EC2 application's stand-in); the edge is the
nginx cache generated from updates/template.yaml (`make updates-demo`'s). The same crowd runs
twice: first straight at the origin (the baseline), then through a cold edge. Both are measured
from the origin's side (its access log and its processes' CPU time) and the clients' (curl).
Target: origin bytes <= 0.1% of delivered bytes through the edge.

From the measured figures it prices a stated month of downloads with the inputs printed beside
the result, and draws the comparison as a PNG (bench/results/updates-offload.png).

Environment: UPDATES_SIZE_MB (100), UPDATES_CLIENTS (200 at once), UPDATES_DOWNLOADS (1600),
UPDATES_RESUME_SHARE (0.25), UPDATES_MONTHLY_DOWNLOADS (1000000).
"""

from __future__ import annotations

import os
import platform
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from app.devstack.ports import free_ports
from updates.demo import Download, flash_crowd, make_update_files
from updates.edge import edge_behaviors, edge_config, origin_config
from updates.nginx import Nginx, nginx_binary, read_log

SIZE_MB = int(os.environ.get("UPDATES_SIZE_MB", "100"))
CLIENTS = int(os.environ.get("UPDATES_CLIENTS", "200"))
DOWNLOADS = int(os.environ.get("UPDATES_DOWNLOADS", "1600"))
RESUME_SHARE = float(os.environ.get("UPDATES_RESUME_SHARE", "0.25"))
MONTHLY_DOWNLOADS = int(os.environ.get("UPDATES_MONTHLY_DOWNLOADS", "1000000"))
TARGET = 0.001  # origin bytes / delivered bytes through the edge
RESULTS = Path(__file__).resolve().parent / "results"
GIB = 2**30  # AWS bills data transfer per GB of 2^30 bytes

# Price inputs: AWS public on-demand list prices, us-east-1 / North America, USD, as published
# in 2025-2026 (check the pricing pages before relying on them; free tiers are left out).
# Tiers as (cumulative upper bound in GB, price per GB): first 10 TB, next 40 TB, next 100 TB, ...
EC2_EGRESS_TIERS = [(10_240, 0.09), (51_200, 0.085), (153_600, 0.07), (None, 0.05)]
CLOUDFRONT_EGRESS_TIERS = [  # North America/Europe
    (10_240, 0.085), (51_200, 0.080), (153_600, 0.060), (512_000, 0.040), (1_048_576, 0.030),
    (None, 0.025),
]  # fmt: skip
CLOUDFRONT_HTTPS_PER_10K = 0.0100
ORIGIN_SHIELD_PER_10K = 0.0075
EC2_TO_CLOUDFRONT_PER_GB = 0.0  # data transfer from an AWS origin to CloudFront is free
EC2_INSTANCE = ("c7i.large", 2, 0.08925, 0.781)  # name, vCPUs, $/hour, baseline Gbit/s


@dataclass(frozen=True)
class Scenario:
    """What one crowd cost the origin and what its clients saw."""

    name: str
    downloads: list[Download]
    origin_requests: int
    origin_bytes: int
    origin_cpu: float
    wall: float

    @property
    def delivered(self) -> int:
        """Body bytes the clients received."""
        return sum(d.size for d in self.downloads)

    def percentile(self, share: float) -> float:
        """Seconds to complete, at a percentile of the downloads."""
        times = sorted(d.seconds for d in self.downloads)
        return times[min(len(times) - 1, int(share * len(times)))]


def run_crowd(name: str, url: str, origin: Nginx, state: Path, size: int) -> Scenario:
    """One crowd; origin requests and bytes from its log, CPU from /proc."""
    log = state / "origin-access.log"
    offset = log.stat().st_size if log.exists() else 0
    cpu = origin.cpu_seconds()
    started = time.monotonic()
    downloads = flash_crowd(
        url, clients=CLIENTS, downloads=DOWNLOADS, size=size, resume_share=RESUME_SHARE
    )
    wall = time.monotonic() - started
    time.sleep(0.3)  # let nginx flush its access log
    seen = read_log(log, offset)
    bad = [d for d in downloads if d.status not in (200, 206)]
    assert not bad, f"{name}: {len(bad)} failed downloads"
    return Scenario(
        name, downloads, seen.requests, seen.body_bytes, origin.cpu_seconds() - cpu, wall
    )


def tiered(gib: float, tiers: list[tuple[int | None, float]]) -> float:
    """Cost of `gib` under per-GB tiers (cumulative upper bounds in GB, None for the rest)."""
    cost, below = 0.0, 0.0
    for bound, price in tiers:
        top = gib if bound is None else min(gib, bound)
        if top > below:
            cost += (top - below) * price
        if bound is None or gib <= bound:
            break
        below = bound
    return cost


def monthly_costs(direct: Scenario, edge: Scenario) -> dict[str, dict[str, float]]:
    """Dollars per month for MONTHLY_DOWNLOADS, scaled from the measured per-download figures."""
    scale = MONTHLY_DOWNLOADS / DOWNLOADS
    delivered_gib = direct.delivered * scale / GIB
    _, vcpus, hourly, gbps = EC2_INSTANCE

    def instance_cost(cpu_seconds: float, origin_gib: float) -> float:
        # Instance-hours the origin needs: for its CPU or for its network, whichever is more.
        cpu_hours = cpu_seconds * scale / 3600 / vcpus
        network_hours = origin_gib * GIB * 8 / (gbps * 1e9) / 3600
        return max(cpu_hours, network_hours) * hourly

    edge_origin_gib = edge.origin_bytes * scale / GIB
    edge_requests = len(edge.downloads) * scale
    return {
        "straight from EC2": {
            "data transfer out": tiered(delivered_gib, EC2_EGRESS_TIERS),
            "requests": 0.0,
            "origin instances": instance_cost(direct.origin_cpu, delivered_gib),
        },
        "CloudFront in front": {
            "data transfer out": tiered(delivered_gib, CLOUDFRONT_EGRESS_TIERS)
            + edge_origin_gib * EC2_TO_CLOUDFRONT_PER_GB,
            "requests": edge_requests / 10_000 * CLOUDFRONT_HTTPS_PER_10K
            + edge.origin_requests * scale / 10_000 * ORIGIN_SHIELD_PER_10K,
            "origin instances": instance_cost(edge.origin_cpu, edge_origin_gib),
        },
    }


def draw_chart(direct: Scenario, edge: Scenario, costs: dict[str, dict[str, float]]) -> Path:
    """Two panels: origin traffic per scenario, and the month's cost by component."""
    width, height = 1200, 560
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=18)
    small = ImageFont.load_default(size=15)
    colours = {"straight from EC2": (214, 96, 77), "CloudFront in front": (67, 147, 195)}
    draw.text(
        (30, 16),
        f"Release-day flash crowd: {DOWNLOADS:,} downloads of a {SIZE_MB} MB "
        f"update by {CLIENTS} concurrent clients (measured on loopback)",
        fill="black",
        font=font,
    )

    def bars(left: int, title: str, values: list[tuple[str, float, str]], top: float) -> None:
        draw.text((left, 60), title, fill="black", font=font)
        base, span = 500, 380
        for index, (label, value, text) in enumerate(values):
            x = left + 40 + index * 200
            h = 0 if top == 0 else span * value / top
            draw.rectangle((x, base - h, x + 120, base), fill=colours[label])
            draw.text((x, base - h - 24), text, fill="black", font=small)
            draw.text((x - 10, base + 8), label, fill="black", font=small)
        draw.line((left + 20, base, left + 480, base), fill="black", width=2)

    origin = [
        ("straight from EC2", direct.origin_bytes / 1e9, f"{direct.origin_bytes / 1e9:,.1f} GB"),
        ("CloudFront in front", edge.origin_bytes / 1e9, f"{edge.origin_bytes / 1e9:,.3f} GB"),
    ]
    bars(30, "Bytes the origin sent (this run)", origin, max(v for _, v, _ in origin))
    totals = [(label, sum(parts.values())) for label, parts in costs.items()]
    money = [(label, total, f"${total:,.0f}/month") for label, total in totals]
    bars(
        620,
        f"Cost of {MONTHLY_DOWNLOADS:,} downloads a month (list prices)",
        money,
        max(total for _, total in totals),
    )
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / "updates-offload.png"
    image.save(path)
    return path


def main() -> int:
    """Run both crowds, print the figures, the cost comparison and where the chart is."""
    with tempfile.TemporaryDirectory(prefix="updates-bench-") as tmp:
        state = Path(tmp)
        update = make_update_files(state / "origin", SIZE_MB)
        size = update.stat().st_size
        origin_port, edge_port = free_ports(2)
        path = f"/releases/{update.name}?version=2.0.0"
        origin = Nginx(
            "origin",
            origin_config(state / "origin", port=origin_port, state=state),
            state,
            origin_port,
        )
        edge = Nginx(
            "edge",
            edge_config(
                edge_behaviors(),
                port=edge_port,
                origin_port=origin_port,
                state=state,
                origin_host="localhost",
            ),
            state,
            edge_port,
        )
        with origin, edge:
            subprocess.run(
                ["cat", str(update)], stdout=subprocess.DEVNULL, check=True
            )  # page cache
            direct = run_crowd(
                "straight at the origin",
                f"http://127.0.0.1:{origin_port}{path}",
                origin,
                state,
                size,
            )
            through = run_crowd(
                "through the edge", f"http://127.0.0.1:{edge_port}{path}", origin, state, size
            )
    version = subprocess.run(
        [nginx_binary(), "-v"], check=False, capture_output=True, text=True
    ).stderr.strip()
    print(
        f"flash crowd: {DOWNLOADS:,} downloads of {SIZE_MB} MB by {CLIENTS} concurrent clients, "
        f"{RESUME_SHARE:.0%} resuming with Range; {os.cpu_count()} cores, {platform.machine()}, "
        f"{version}"
    )
    print(
        f"{'':26}{'origin reqs':>12}{'origin MB':>12}{'delivered GB':>14}{'origin/deliv':>14}"
        f"{'origin CPU s':>14}{'p50 s':>8}{'p99 s':>8}{'wall s':>8}"
    )
    for s in (direct, through):
        print(
            f"{s.name:26}{s.origin_requests:>12,}{s.origin_bytes / 1e6:>12,.1f}"
            f"{s.delivered / 1e9:>14,.1f}{s.origin_bytes / s.delivered:>14.4%}"
            f"{s.origin_cpu:>14.2f}{s.percentile(0.5):>8.2f}{s.percentile(0.99):>8.2f}"
            f"{s.wall:>8.1f}"
        )
    ratio = through.origin_bytes / through.delivered
    print(
        f"edge vs origin: origin requests {through.origin_requests / direct.origin_requests:.4f}x,"
        f" origin bytes {through.origin_bytes / direct.origin_bytes:.4f}x, origin CPU "
        f"{through.origin_cpu / direct.origin_cpu:.4f}x, p50 "
        f"{through.percentile(0.5) / direct.percentile(0.5):.2f}x, p99 "
        f"{through.percentile(0.99) / direct.percentile(0.99):.2f}x"
    )
    print(
        f"origin bytes / delivered bytes through the edge: {ratio:.4%} "
        f"(target <= {TARGET:.1%}: {'met' if ratio <= TARGET else 'NOT met'})"
    )
    costs = monthly_costs(direct, through)
    print(
        f"\ncost of {MONTHLY_DOWNLOADS:,} downloads a month "
        f"({direct.delivered / DOWNLOADS * MONTHLY_DOWNLOADS / GIB / 1024:,.1f} TiB), scaled from "
        "this run's per-download figures:"
    )
    for label, parts in costs.items():
        detail = ", ".join(f"{k} ${v:,.2f}" for k, v in parts.items())
        print(f"  {label:22} ${sum(parts.values()):>10,.2f}   ({detail})")
    direct_total, edge_total = (sum(p.values()) for p in costs.values())
    print(f"  CloudFront / EC2: {edge_total / direct_total:.2f}x")
    print("price inputs (USD, us-east-1/North America list prices; free tiers ignored):")
    print(f"  EC2 data transfer out, (up to GB, $/GB): {EC2_EGRESS_TIERS}")
    print(f"  CloudFront data transfer out, (up to GB, $/GB): {CLOUDFRONT_EGRESS_TIERS}")
    print(
        f"  CloudFront HTTPS requests ${CLOUDFRONT_HTTPS_PER_10K}/10k; Origin Shield "
        f"${ORIGIN_SHIELD_PER_10K}/10k; EC2 -> CloudFront ${EC2_TO_CLOUDFRONT_PER_GB}/GB"
    )
    print(
        f"  origin instance {EC2_INSTANCE[0]}: {EC2_INSTANCE[1]} vCPU, ${EC2_INSTANCE[2]}/h, "
        f"{EC2_INSTANCE[3]} Gbit/s baseline (instance-hours = max(CPU, network) need)"
    )
    print(f"chart: {draw_chart(direct, through, costs)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
