"""Evidence files: accepted by content, stored outside the web root by hash, read by those who may."""

import io
import stat
import zipfile

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from docx import Document
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook

from mubiao.audit.models import AuditRecord
from mubiao.reporting.evidence import DOCX, JPEG, PDF, PNG, XLSX, EvidenceRefused, clean_filename, sniff
from mubiao.reporting.workflow import actual_approve, actual_enter, actual_submit, evidence_attach, evidence_read

from .conftest import web

pytestmark = pytest.mark.django_db

PDF_BYTES = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def workbook_bytes() -> bytes:
    book = Workbook()
    book.active["A1"] = "高新技术企业"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def document_bytes() -> bytes:
    document = Document()
    document.add_paragraph("认定名单")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


@pytest.fixture
def draft(people, indicator3, liunan):
    return actual_enter(actor=web(people.reporter), indicator=indicator3, org_unit=liunan, period="2019-Q1", value="40")


def test_the_kinds_reporters_send_are_recognised_by_their_content() -> None:
    assert sniff(PDF_BYTES) == PDF
    assert sniff(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR") == PNG
    assert sniff(b"\xff\xd8\xff\xe0\0\x10JFIF") == JPEG
    assert sniff(workbook_bytes()) == XLSX
    assert sniff(document_bytes()) == DOCX
    assert sniff(b"GIF89a") is None
    assert sniff(b"PK\x03\x04 truncated") is None


@given(st.binary(max_size=400))
def test_any_bytes_posing_as_a_zip_are_judged_without_an_error(tail: bytes) -> None:
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
    whole = packed.getvalue()
    for content in (b"PK\x03\x04" + tail, whole[: len(tail)] + tail, whole[:-22] + tail[:22]):
        try:
            found = sniff(content, limit=10_000)
        except EvidenceRefused:
            continue
        assert found in (None, XLSX)


def test_a_filename_loses_any_directory_part() -> None:
    assert clean_filename("../../etc/passwd.pdf") == "passwd.pdf"
    assert clean_filename("C:\\Users\\a\\证书.pdf") == "证书.pdf"


def test_an_attached_workbook_is_stored_by_its_hash_outside_the_web_root(people, draft, evidence_root) -> None:
    content = workbook_bytes()
    evidence = evidence_attach(actor=web(people.reporter), actual=draft, filename="名单.xlsx", content=content)

    path = evidence_root / evidence.stored_name
    assert (evidence.filename, evidence.content_type, evidence.size) == ("名单.xlsx", XLSX, len(content))
    assert evidence.stored_name == f"{evidence.sha256[:2]}/{evidence.sha256}"
    assert path.read_bytes() == content
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert evidence.uploaded_by == people.reporter
    static_dirs = [str(d) for d in (getattr(settings, "STATIC_ROOT", None), getattr(settings, "MEDIA_ROOT", None)) if d]
    assert not any(str(path).startswith(d) for d in static_dirs)
    record = AuditRecord.objects.get(action="attach")
    assert (record.object_id, record.after["filename"], record.after["sha256"]) == (
        str(draft.pk),
        "名单.xlsx",
        evidence.sha256,
    )


def test_attaching_evidence_leaves_the_figures_version_alone(people, draft) -> None:
    evidence_attach(actor=web(people.reporter), actual=draft, filename="证书.pdf", content=PDF_BYTES)
    draft.refresh_from_db()
    assert draft.version == 1


def test_the_same_file_twice_is_kept_once(people, draft, evidence_root) -> None:
    first = evidence_attach(actor=web(people.reporter), actual=draft, filename="a.pdf", content=PDF_BYTES)
    second = evidence_attach(actor=web(people.reporter), actual=draft, filename="b.pdf", content=PDF_BYTES)
    assert first.stored_name == second.stored_name
    assert [p for p in evidence_root.rglob("*") if p.is_file()] == [evidence_root / first.stored_name]


def test_pending_evidence_is_read_by_its_unit_and_reviewer_but_not_by_another_unit(people, draft) -> None:
    evidence = evidence_attach(actor=web(people.reporter), actual=draft, filename="证书.pdf", content=PDF_BYTES)

    assert evidence_read(actor=web(people.reporter), evidence=evidence) == PDF_BYTES
    assert evidence_read(actor=web(people.reviewer), evidence=evidence) == PDF_BYTES
    assert evidence_read(actor=web(people.viewer), evidence=evidence) == PDF_BYTES
    with pytest.raises(PermissionDenied):
        evidence_read(actor=web(people.other_reporter), evidence=evidence)
    denied = AuditRecord.objects.get(action="denied")
    assert (denied.actor_label, denied.object_type, denied.object_id) == (
        "liubei",
        "reporting.evidence",
        str(evidence.pk),
    )


def test_approved_evidence_is_read_by_anyone_signed_in(people, draft) -> None:
    evidence = evidence_attach(actor=web(people.reporter), actual=draft, filename="证书.pdf", content=PDF_BYTES)
    submitted = actual_submit(actor=web(people.reporter), actual=draft, expected_version=1)
    actual_approve(actor=web(people.reviewer), actual=submitted, expected_version=2)

    assert evidence_read(actor=web(people.other_reporter), evidence=evidence) == PDF_BYTES


def test_evidence_altered_on_disk_is_not_served(people, draft, evidence_root) -> None:
    from mubiao.reporting.workflow import WorkflowError

    evidence = evidence_attach(actor=web(people.reporter), actual=draft, filename="证书.pdf", content=PDF_BYTES)
    (evidence_root / evidence.stored_name).write_bytes(b"%PDF-1.4 tampered")
    with pytest.raises(WorkflowError, match="无法读取"):
        evidence_read(actor=web(people.reporter), evidence=evidence)
