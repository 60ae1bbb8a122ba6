"""Evidence files: what a file is, judged by its content, and where its bytes are kept.

A file is accepted only when its first bytes say it is one of the kinds reporters send (PDF, PNG,
JPEG, an Excel workbook or a Word document) and its name's extension agrees. Workbooks and
documents are ZIP containers: their member names are read from the central directory, never
extracted, and a container whose members would unpack to far more than the upload limit (a zip
bomb) is refused on the sizes it declares.

Bytes are stored under settings.EVIDENCE_ROOT — outside the web root and the media directory — by
their SHA-256, so the same file is kept once and a stored name reveals nothing of the upload's name.
"""

from __future__ import annotations

import hashlib
import io
import os
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath, PureWindowsPath

from django.conf import settings
from django.utils.translation import gettext as _

from mubiao.files import write_whole

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

#: Accepted extensions and the content each must have.
EXTENSIONS = {".pdf": PDF, ".png": PNG, ".jpg": JPEG, ".jpeg": JPEG, ".xlsx": XLSX, ".docx": DOCX}
KIND_LABELS = {PDF: "PDF", PNG: "PNG", JPEG: "JPEG", XLSX: "Excel (.xlsx)", DOCX: "Word (.docx)"}

#: A workbook or document may unpack to at most this many times the upload limit (XML packs
#: about ten to one; a bomb, a thousand to one), and hold at most this many members.
ZIP_EXPANSION_LIMIT = 20
ZIP_MEMBER_LIMIT = 10_000


class EvidenceRefused(ValueError):
    """A file that is not accepted as evidence; the message says why, in Chinese."""


@dataclass(frozen=True)
class CheckedFile:
    filename: str
    content_type: str
    size: int
    sha256: str


def clean_filename(filename: str) -> str:
    """The name without any directory part (either slash), trimmed to fit the column."""
    name = PureWindowsPath(PurePosixPath(filename).name).name.strip().replace("\x00", "")
    if len(name) > 200:
        stem, suffix = os.path.splitext(name)
        name = stem[: 200 - len(suffix)] + suffix
    return name


def _zip_kind(content: bytes, limit: int) -> str | None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, NotImplementedError):
        return None  # not a readable ZIP: not a workbook or document either
    with archive:
        members = archive.infolist()
        if len(members) > ZIP_MEMBER_LIMIT:
            raise EvidenceRefused(_("压缩包内文件过多（%(count)s个），已拒绝") % {"count": len(members)})
        unpacked = sum(member.file_size for member in members)
        if unpacked > limit * ZIP_EXPANSION_LIMIT:
            raise EvidenceRefused(
                _("文件解压后达%(size)s字节，远超上限，疑似压缩炸弹，已拒绝") % {"size": f"{unpacked:,}"}
            )
        names = {member.filename for member in members}
    if "[Content_Types].xml" not in names:
        return None
    if any(name.startswith("xl/") for name in names):
        return XLSX
    if any(name.startswith("word/") for name in names):
        return DOCX
    return None


def sniff(content: bytes, limit: int | None = None) -> str | None:
    """The content type the bytes themselves show, or None for anything else."""
    if content.startswith(b"%PDF-"):
        return PDF
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if content.startswith(b"\xff\xd8\xff"):
        return JPEG
    if content.startswith(b"PK\x03\x04"):
        return _zip_kind(content, limit if limit is not None else settings.EVIDENCE_MAX_BYTES)
    return None


def evidence_check(filename: str, content: bytes) -> CheckedFile:
    """Accept a file as evidence or raise EvidenceRefused saying why."""
    name = clean_filename(filename)
    limit: int = settings.EVIDENCE_MAX_BYTES
    allowed = "、".join(sorted({ext.lstrip(".") for ext in EXTENSIONS}))
    extension = os.path.splitext(name)[1].lower()
    if not name or extension not in EXTENSIONS:
        raise EvidenceRefused(
            _("“%(name)s”不是可接受的证明材料类型（可上传：%(allowed)s）") % {"name": name, "allowed": allowed}
        )
    if not content:
        raise EvidenceRefused(_("“%(name)s”是空文件") % {"name": name})
    if len(content) > limit:
        raise EvidenceRefused(
            _("“%(name)s”有%(size)s字节，超过上限%(limit)s字节")
            % {"name": name, "size": f"{len(content):,}", "limit": f"{limit:,}"}
        )
    found = sniff(content, limit)
    expected = EXTENSIONS[extension]
    if found is None:
        raise EvidenceRefused(
            _("“%(name)s”的内容不是%(kind)s文件（按文件内容检查，不看扩展名）")
            % {"name": name, "kind": KIND_LABELS[expected]}
        )
    if found != expected:
        raise EvidenceRefused(
            _("“%(name)s”的内容是%(found)s文件，与扩展名%(extension)s不符")
            % {"name": name, "found": KIND_LABELS[found], "extension": extension}
        )
    return CheckedFile(name, found, len(content), hashlib.sha256(content).hexdigest())


def _root() -> Path:
    return Path(settings.EVIDENCE_ROOT)


def stored_name_of(sha256: str) -> str:
    return f"{sha256[:2]}/{sha256}"


def evidence_store(content: bytes, sha256: str) -> str:
    """Write the bytes under EVIDENCE_ROOT (once per content) and return their stored name."""
    stored = stored_name_of(sha256)
    path = _root() / stored
    if not path.exists():
        write_whole(path, content)
    return stored


def evidence_bytes(stored_name: str, sha256: str) -> bytes:
    """The stored bytes, checked against their hash."""
    if stored_name != stored_name_of(sha256):
        raise EvidenceRefused(_("证明材料的存储名称无效"))
    content = (_root() / stored_name).read_bytes()
    if hashlib.sha256(content).hexdigest() != sha256:
        raise EvidenceRefused(_("证明材料文件已损坏（校验值不符）"))
    return content
