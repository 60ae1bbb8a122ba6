"""Rendering a long PDF in two processes, and putting the parts back together with one run of page numbers.

WeasyPrint lays a table cell out in about 0.7 ms, all of it in Python: the 通报 of a city with 50 indicators
(6,600 cells in its 附件1) takes about 5 s in one process. Here the parts are laid out at once — this
process the first, a second one the rest — a fresh interpreter (`python -m mubiao.exports.pdf_parts`), so
it inherits no lock another thread of a server holds, and re-runs no one's main module — then merged
with pypdf, and the page numbers, rendered as a document of their own
with the same page rules, laid over each page. This module imports no Django: the second process needs
WeasyPrint alone.
"""

from __future__ import annotations

import io
import logging
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

logger = logging.getLogger(__name__)
#: Far beyond any bulletin (5 s for 6,600 cells): a second process still at work then is stuck, not slow.
CHILD_SECONDS = 300


def render_pdf(html: str, base_url: str) -> bytes:
    """One HTML document as PDF bytes (fonts subset and embedded)."""
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    pdf: bytes = HTML(string=html, base_url=base_url).write_pdf(font_config=FontConfiguration())
    return pdf


def render_in_two(first: str, second: str, base_url: str) -> tuple[bytes, bytes] | None:
    """The two documents rendered side by side; None when the second process cannot run here or fails."""
    with tempfile.TemporaryDirectory(prefix="mubiao-pdf-") as folder:
        source, target = Path(folder) / "part.html", Path(folder) / "part.pdf"
        source.write_text(second, encoding="utf-8")
        command = [sys.executable, "-m", "mubiao.exports.pdf_parts", str(source), str(target), base_url]
        try:
            child = subprocess.Popen(
                command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
            )
        except OSError:
            return None
        try:
            head = render_pdf(first, base_url)
            _, errors = child.communicate(timeout=CHILD_SECONDS)
        finally:
            if child.poll() is None:
                child.kill()
                child.wait()
        if child.returncode != 0 or not target.is_file():
            logger.warning("PDF part not rendered by a second process (%s): %s", child.returncode, errors[-500:])
            return None
        return head, target.read_bytes()


def merged(parts: list[bytes], numbers: Callable[[list[bool]], bytes], metadata: dict[str, str]) -> bytes | None:
    """The parts as one PDF, each page overlaid with its page of `numbers` (given each page's orientation:
    True for landscape). None when the numbers do not come out one page per page."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for part in parts:
        writer.append(PdfReader(io.BytesIO(part)))
    landscape = [float(page.mediabox.width) > float(page.mediabox.height) for page in writer.pages]
    overlay = PdfReader(io.BytesIO(numbers(landscape)))
    if len(overlay.pages) != len(writer.pages):
        return None
    for page, number in zip(writer.pages, overlay.pages, strict=True):
        page.merge_page(number)
        page.compress_content_streams()
    writer.add_metadata(metadata)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


if __name__ == "__main__":
    # python -m mubiao.exports.pdf_parts PART.html PART.pdf BASE_URL: the second process of render_in_two.
    html_path, pdf_path, base = sys.argv[1:4]
    Path(pdf_path).write_bytes(render_pdf(Path(html_path).read_text(encoding="utf-8"), base))
