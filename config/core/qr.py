"""QR codes as PNG or SVG (segno), for labels (inventory) and for device sign-ins (accounts):
one error-correction level and quiet zone for every code Warecache prints or shows."""

import io

import segno


def _qr(payload: str) -> segno.QRCode:
    # Level M survives a scuffed label; the payload is short, so the code stays small.
    return segno.make(payload, error="m", micro=False)


def qr_png(payload: str, *, scale: int = 8) -> bytes:
    buffer = io.BytesIO()
    _qr(payload).save(buffer, kind="png", scale=scale, border=4)
    return buffer.getvalue()


def qr_svg(payload: str, *, scale: int = 4) -> bytes:
    buffer = io.BytesIO()
    _qr(payload).save(buffer, kind="svg", scale=scale, border=4, title=payload)
    return buffer.getvalue()


def qr_svg_inline(payload: str, *, scale: int = 3) -> str:
    """An ``<svg>`` element for embedding in a page (no XML declaration), sized by CSS."""
    return _qr(payload).svg_inline(scale=scale, border=2, omitsize=True)
