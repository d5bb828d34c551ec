"""Thumbnails with Pillow: draft-mode decoding, EXIF orientation applied, metadata stripped."""

from __future__ import annotations

import io
import warnings

from PIL import Image, ImageOps, UnidentifiedImageError

from app.domain.photos import PhotoRejected

MAX_PIXELS = 50_000_000  # about 8,000 x 6,000: beyond it a file is treated as a decompression bomb
# The only decoders ever run, one per declared type: a file is opened as what its uploader
# declared (and the upload policy pinned), so no other of Pillow's ~40 formats (GIF, SVG-like
# EPS, PSD, ...) and none of their parsers is reachable from an upload.
PILLOW_FORMATS = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP"}
Image.MAX_IMAGE_PIXELS = MAX_PIXELS


def make_thumbnails(
    data: bytes, sizes: tuple[int, ...], content_type: str
) -> dict[int, tuple[bytes, str]]:
    """Bytes and extension of each thumbnail (largest side = size); PhotoRejected with a reason."""
    expected = PILLOW_FORMATS.get(content_type)
    if expected is None:
        raise PhotoRejected(f"unsupported type: {content_type}")
    try:
        with warnings.catch_warnings():
            # Pillow only warns between 1x and 2x the limit: treat the warning as the error.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=[expected]) as image:
                largest = max(sizes)
                if image.format == "JPEG":
                    # Decode at a reduced scale straight from the DCT: far less time and memory.
                    image.draft("RGB", (largest, largest))
                image.load()
                upright = ImageOps.exif_transpose(image)
                normalized = _normalized(upright)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise PhotoRejected("image too large (decompression bomb limit)") from exc
    except UnidentifiedImageError as exc:
        raise PhotoRejected(f"not a {expected} image") from exc
    except (OSError, SyntaxError, ValueError) as exc:
        raise PhotoRejected("damaged or truncated image") from exc
    results: dict[int, tuple[bytes, str]] = {}
    for size in sorted(sizes, reverse=True):
        copy = normalized.copy()
        copy.thumbnail((size, size), Image.Resampling.LANCZOS, reducing_gap=2.0)
        results[size] = _encode(copy)
    return results


def _normalized(image: Image.Image) -> Image.Image:
    """RGB, or RGBA when there is transparency; no metadata carried over."""
    has_alpha = image.mode in ("RGBA", "LA", "PA") or (
        image.mode == "P" and "transparency" in image.info
    )
    target = "RGBA" if has_alpha else "RGB"
    converted = image.convert(target)
    clean = Image.new(target, converted.size)
    clean.paste(converted)  # a fresh image: no EXIF, GPS, ICC or text chunks survive
    return clean


def _encode(image: Image.Image) -> tuple[bytes, str]:
    out = io.BytesIO()
    if image.mode == "RGBA":
        image.save(out, "PNG", optimize=True)
        return out.getvalue(), "png"
    image.save(out, "JPEG", quality=85)
    return out.getvalue(), "jpg"
