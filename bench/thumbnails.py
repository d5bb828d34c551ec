"""Thumbnails to 256 px: our Pillow path (draft decoding) beside libvips, in one run.

Each measurement runs in a fresh process: time is the median of repeated runs after a warm-up,
peak memory is how far the process's peak RSS (VmHWM, reset through /proc/self/clear_refs
after a warm-up) rises above its RSS before the measured runs.
Targets on the 24-megapixel JPEG: <= 1.0x libvips time and <= 0.5x its peak memory.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
import tempfile
from pathlib import Path

from PIL import Image

RUNS = 5
CHILD = r"""
import json, statistics, sys, time
path, engine = sys.argv[1], sys.argv[2]
data = open(path, "rb").read()
if engine == "pillow":
    sys.path.insert(0, "src")
    from app.adapters.images import make_thumbnails
    run = lambda: make_thumbnails(data, (256,))
else:
    import pyvips
    pyvips.cache_set_max(0)
    run = lambda: pyvips.Image.thumbnail_buffer(data, 256).write_to_buffer(".jpg[Q=85]")
def status(field):
    for line in open("/proc/self/status"):
        if line.startswith(field):
            return int(line.split()[1])
run()  # warm-up (and first-use allocations)
with open("/proc/self/clear_refs", "w") as f:
    f.write("5")  # resets the peak RSS (VmHWM) to the current RSS
before = status("VmRSS:")
times = [0.0]
for _ in range(int(sys.argv[3])):
    start = time.perf_counter()
    run()
    times.append((time.perf_counter() - start) * 1000)
peak = status("VmHWM:")
print(json.dumps({"ms": statistics.median(times[1:]), "peak_mb": (peak - before) / 1024}))
"""


def sample(kind: str) -> bytes:
    """Photo-like test images (gradients plus fine detail), made here."""
    sizes = {"jpeg24": (6000, 4000), "png12": (4240, 2832), "small": (640, 480)}
    width, height = sizes[kind]
    gradient = Image.linear_gradient("L").resize((width, height))
    noise = Image.effect_noise((width, height), 40)
    image = Image.merge(
        "RGB", (gradient, noise, gradient.transpose(Image.Transpose.FLIP_LEFT_RIGHT))
    )
    out = io.BytesIO()
    if kind == "png12":
        image.save(out, "PNG", compress_level=1)
    else:
        image.save(out, "JPEG", quality=90)
    return out.getvalue()


def _child(path: Path, engine: str, runs: int) -> dict[str, float]:
    result = subprocess.run(
        [sys.executable, "-c", CHILD, str(path), engine, str(runs)],
        capture_output=True,
        text=True,
        check=True,
        timeout=600,
    )
    figures: dict[str, float] = json.loads(result.stdout.strip().splitlines()[-1])
    return figures


def measure(path: Path, engine: str) -> dict[str, float]:
    """One engine on one file: median time, and peak RSS growth while it works."""
    return _child(path, engine, RUNS)


def main() -> int:
    """Measure both engines on the three images and print figures and ratios."""
    print(f"Thumbnail to 256 px: median of {RUNS} runs (after a warm-up), fresh process each")
    print(f"{'image':<22} {'pillow ms':>10} {'vips ms':>9} {'time x':>7} "
          f"{'pillow MB':>10} {'vips MB':>8} {'mem x':>6}")  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp:
        for kind, label in (
            ("jpeg24", "24 MP JPEG"),
            ("png12", "12 MP PNG"),
            ("small", "0.3 MP JPEG"),
        ):
            path = Path(tmp) / kind
            path.write_bytes(sample(kind))
            ours, vips = measure(path, "pillow"), measure(path, "vips")
            print(
                f"{label:<22} {ours['ms']:10.1f} {vips['ms']:9.1f} {ours['ms'] / vips['ms']:7.2f} "
                f"{ours['peak_mb']:10.1f} {vips['peak_mb']:8.1f} "
                f"{ours['peak_mb'] / max(vips['peak_mb'], 0.1):6.2f}"
            )
    print("targets on the 24 MP JPEG: time x <= 1.0, memory x <= 0.5")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
