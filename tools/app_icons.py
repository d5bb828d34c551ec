"""The phone app's icons (web/src/app/public/icons/), drawn with Pillow; committed, so the build
needs no Python. Run again after changing the drawing: python tools/app_icons.py
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

ICONS = Path(__file__).resolve().parents[1] / "web" / "src" / "app" / "public" / "icons"
BRAND = (21, 94, 117)  # the app's theme colour (#155e75)
WHITE = (255, 255, 255)


def icon(size: int, *, maskable: bool) -> Image.Image:
    """A white check mark on the brand colour; a maskable icon fills the square and keeps the
    mark inside the central 80% safe zone (W3C Web App Manifest, "maskable" purpose)."""
    scale = 4  # drawn large, then downsampled for smooth edges
    side = size * scale
    image = Image.new("RGBA", (side, side), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    if maskable:
        draw.rectangle((0, 0, side, side), fill=BRAND)
        inset = side * 0.3
    else:
        draw.rounded_rectangle((0, 0, side - 1, side - 1), radius=side // 5, fill=BRAND)
        inset = side * 0.22
    span = side - 2 * inset
    points = [
        (inset + span * 0.05, inset + span * 0.55),
        (inset + span * 0.38, inset + span * 0.86),
        (inset + span * 0.95, inset + span * 0.18),
    ]
    draw.line(points, fill=WHITE, width=int(span * 0.14), joint="curve")
    return image.resize((size, size), Image.Resampling.LANCZOS)


def main() -> None:
    """Write the PNGs the manifest and the page name."""
    ICONS.mkdir(parents=True, exist_ok=True)
    for size in (192, 512):
        icon(size, maskable=False).save(ICONS / f"icon-{size}.png", optimize=True)
    icon(512, maskable=True).save(ICONS / "maskable-512.png", optimize=True)
    icon(180, maskable=True).convert("RGB").save(ICONS / "apple-touch-icon.png", optimize=True)


if __name__ == "__main__":
    main()
