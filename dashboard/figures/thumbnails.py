"""Small pictures of images for tables: an image (H, W) as a PNG data URL, which st.column_config.ImageColumn shows in
a cell. The PNG is written here with zlib (greyscale, 8 bits, each pixel a PIXEL x PIXEL square), so no imaging
library is needed. (An SVG data URL was drawn squeezed sideways by the table.)"""
from __future__ import annotations

import base64
import struct
import zlib

import numpy as np

PIXEL = 6  # PNG pixels an image pixel: an 8x8 image is 48 x 48, drawn at that size (readable on a projector)


def _chunk(kind: bytes, data: bytes) -> bytes:
    """One PNG chunk: length, type, data, CRC of type + data."""
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png(grey: np.ndarray) -> bytes:
    """A greyscale PNG of the uint8 array grey (h, w)."""
    h, w = grey.shape
    rows = b"".join(b"\x00" + bytes(row) for row in grey.astype(np.uint8))  # filter type 0 (none) on every row
    header = struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0)  # 8-bit greyscale, no interlace
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", zlib.compress(rows)) + _chunk(b"IEND", b"")


def grey_levels(image: np.ndarray, pixel_range: tuple[float, float] = (0.0, 1.0)) -> np.ndarray:
    """The image (H, W) as grey levels 0..255: the low end of pixel_range white (255), the high end black (0), as the
    digits are drawn (dark ink on paper); a NaN pixel shows as paper."""
    lo, hi = pixel_range
    level = np.clip((np.asarray(image, dtype=float) - lo) / ((hi - lo) or 1.0), 0.0, 1.0)
    return np.round(255 * (1.0 - np.nan_to_num(level))).astype(np.uint8)


def thumbnail(image: np.ndarray, pixel_range: tuple[float, float] = (0.0, 1.0)) -> str:
    """A data URL of the image (H, W) in grey, each pixel a PIXEL x PIXEL square."""
    big = np.kron(grey_levels(image, pixel_range), np.ones((PIXEL, PIXEL), dtype=np.uint8))
    return "data:image/png;base64," + base64.b64encode(png(big)).decode()


def thumbnails(X: np.ndarray, image_shape: tuple[int, int], pixel_range: tuple[float, float] = (0.0, 1.0)) -> list:
    """thumbnail() of each flattened image, X (N, H * W)."""
    return [thumbnail(x.reshape(image_shape), pixel_range) for x in np.asarray(X, dtype=float)]
