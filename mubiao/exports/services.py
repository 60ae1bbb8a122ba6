"""Issuing a bulletin (通报): numbered, rendered as .docx and PDF, stored by SHA-256, audited — in one transaction.

The plan's row is locked while a number is chosen, so two people issuing at once get 第3期 and 第4期 (or
versions 1 and 2 of the same period), never the same. The files are written before the record; a
transaction that fails leaves at most a file nothing refers to, never a record without its file.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from mubiao.accounts.permissions import Action, actor_grants, require
from mubiao.audit.services import Actor, audit_record, snapshot
from mubiao.domain.names import printable
from mubiao.domain.periods import Period
from mubiao.domain.refusals import Refusal, Refused
from mubiao.exports.bulletin import BulletinFacts, BulletinText, bulletin_document, bulletin_facts, draft_text
from mubiao.exports.bulletin_document import Section
from mubiao.exports.bulletin_docx import bulletin_docx
from mubiao.exports.bulletin_pdf import bulletin_pdf
from mubiao.exports.models import Bulletin
from mubiao.files import write_whole
from mubiao.plans.models import Plan
from mubiao.reporting.selectors import latest_period

#: The longest text a bulletin's fields hold (the model's max_length), and each part of its body: a long
#: report belongs in an attachment of its own, and a body of megabytes would only tie the PDF renderer up.
LIMITS = {"title": 300, "issuer": 200, "recipients": 500, "signature": 200, "issue_label": 100, "copies_to": 500}
SECTION_LIMIT = 20_000


class BulletinFileDamaged(RuntimeError):
    """A stored bulletin file is missing or no longer matches its SHA-256."""


def stored_path(sha256: str, suffix: str) -> Path:
    return Path(settings.BULLETIN_ROOT) / sha256[:2] / f"{sha256}{suffix}"


def _store(content: bytes, suffix: str) -> str:
    sha256 = hashlib.sha256(content).hexdigest()
    path = stored_path(sha256, suffix)
    if not path.exists():
        write_whole(path, content)
    return sha256


def bulletin_file(bulletin: Bulletin, kind: str) -> bytes:
    """The issued .docx or .pdf, checked against the SHA-256 recorded when it was issued."""
    sha256 = bulletin.docx_sha256 if kind == "docx" else bulletin.pdf_sha256
    try:
        content = stored_path(sha256, f".{kind}").read_bytes()
    except OSError as error:
        raise BulletinFileDamaged(f"通报文件缺失：{bulletin}") from error
    if hashlib.sha256(content).hexdigest() != sha256:
        raise BulletinFileDamaged(f"通报文件已损坏（校验值不符）：{bulletin}")
    return content


@dataclass(frozen=True)
class Numbering:
    number: int
    version: int


def next_numbering(plan: Plan, period: Period) -> Numbering:
    """The period's number if a bulletin of it was issued (and the next version), else the plan's next number."""
    issued = Bulletin.objects.filter(plan=plan, period=str(period))
    found = issued.aggregate(number=Max("number"), version=Max("version"))
    if found["number"] is not None:
        return Numbering(found["number"], found["version"] + 1)
    latest = Bulletin.objects.filter(plan=plan).aggregate(number=Max("number"))["number"]
    return Numbering((latest or 0) + 1, 1)


def previous_bulletin(plan: Plan, period: Period) -> Bulletin | None:
    """The latest version of the latest bulletin issued for an earlier period of the plan that ranked units."""
    earlier = [
        bulletin
        for bulletin in Bulletin.objects.filter(plan=plan).only("id", "year", "period", "number", "version", "ranks")
        if (Period.parse(bulletin.period).year, Period.parse(bulletin.period).end_month)
        < (period.year, period.end_month)
        # One that ranked nobody (no approved figure yet) says nothing about how the units moved.
        and any(rank is not None for rank in bulletin.ranks.values())
    ]
    return max(earlier, key=lambda b: (b.number, b.version), default=None)


def facts_for(plan: Plan, *, year: int, period: Period | str | None = None) -> BulletinFacts:
    """A bulletin's facts, its rank changes counted since the previous bulletin when there is one."""
    # The period first (the year's latest approved one when none is named), so the facts are read once.
    chosen = Period.parse(period) if isinstance(period, str) else period or latest_period(plan, year)
    before = previous_bulletin(plan, chosen)
    if before is None:
        return bulletin_facts(plan, year=year, period=chosen)
    return bulletin_facts(
        plan, year=year, period=chosen, previous_ranks=dict(before.ranks), comparison=f"{before.issue_label}通报"
    )


def draft_for(plan: Plan, *, year: int, period: Period | str | None = None) -> tuple[BulletinFacts, BulletinText]:
    """The facts and the generated text of the next bulletin of a period, numbered as it would be issued."""
    facts = facts_for(plan, year=year, period=period)
    return facts, draft_text(facts, number=next_numbering(plan, facts.period).number)


def draft_file(plan: Plan, facts: BulletinFacts, text: BulletinText, kind: str) -> tuple[bytes, int]:
    """A draft as a .docx or PDF — numbered as it would be issued, marked 草稿 under its title — and that version."""
    version = next_numbering(plan, facts.period).version
    document = bulletin_document(facts, text, version=version, draft=True)
    return (bulletin_docx(document) if kind == "docx" else bulletin_pdf(document)), version


def checked_text(text: BulletinText, plan: Plan | None = None) -> BulletinText:
    """The text without control characters, or Refused naming every field that is empty or too long — and,
    given the plan, a date outside the plan's first year and next year (9999-12-31 is a slip, not a date)."""
    text = replace(
        text,
        title=printable(text.title),
        issuer=printable(text.issuer),
        recipients=printable(text.recipients),
        signature=printable(text.signature),
        issue_label=printable(text.issue_label),
        copies_to=printable(text.copies_to),
        sections=tuple(
            Section(section.heading, tuple(printable(paragraph) for paragraph in section.paragraphs))
            for section in text.sections
        ),
    )
    problems = [
        Refusal("bulletin_text_too_long", name, {"limit": limit})
        for name, limit in LIMITS.items()
        if len(getattr(text, name)) > limit
    ]
    problems += [
        Refusal("bulletin_text_required", name)
        for name in ("title", "issuer", "recipients", "signature", "issue_label")
        if not getattr(text, name).strip()
    ]
    problems += [
        Refusal("bulletin_text_too_long", f"section_{index}", {"limit": SECTION_LIMIT})
        for index, section in enumerate(text.sections)
        if sum(len(paragraph) for paragraph in section.paragraphs) > SECTION_LIMIT
    ]
    if not any(section.paragraphs for section in text.sections):
        problems.append(Refusal("bulletin_body_empty", "section_0"))
    if plan is not None and not plan.start_year <= text.signed_on.year <= timezone.localdate().year + 1:
        problems.append(
            Refusal(
                "bulletin_date_out_of_range",
                "signed_on",
                {"date": text.signed_on.isoformat(), "first": plan.start_year, "last": timezone.localdate().year + 1},
            )
        )
    if problems:
        raise Refused(*problems)
    return text


def bulletin_issue(
    *,
    actor: Actor,
    plan: Plan,
    year: int,
    period: Period | str | None,
    text: BulletinText,
    expected_digest: str | None = None,
) -> Bulletin:
    """Issue the bulletin of a period with the text the user reviewed: approved figures only, numbered, stored.

    `expected_digest` is the fingerprint of the facts the text was written from (BulletinFacts.digest): when
    a figure has been approved, corrected or unlocked since, the text may no longer agree with the
    attachments, and the bulletin is refused until the draft is written again."""
    require(actor, Action.ADMINISTER, obj=plan, grants=actor_grants(actor))
    text = checked_text(text, plan)
    with transaction.atomic():
        Plan.objects.select_for_update().filter(pk=plan.pk).first()
        facts = facts_for(plan, year=year, period=period)
        if expected_digest is not None and facts.digest != expected_digest:
            raise Refused(Refusal("bulletin_facts_changed"))
        numbering = next_numbering(plan, facts.period)
        document = bulletin_document(facts, text, version=numbering.version)
        docx, pdf = bulletin_docx(document), bulletin_pdf(document)
        bulletin = Bulletin(
            plan=plan,
            year=facts.period.year,
            period=str(facts.period),
            number=numbering.number,
            version=numbering.version,
            issue_label=text.issue_label,
            title=text.title,
            issuer=text.issuer,
            recipients=text.recipients,
            body=[[section.heading, list(section.paragraphs)] for section in text.sections],
            signature=text.signature,
            signed_on=text.signed_on,
            copies_to=text.copies_to,
            ranks=facts.ranks,
            docx_sha256=_store(docx, ".docx"),
            docx_size=len(docx),
            pdf_sha256=_store(pdf, ".pdf"),
            pdf_size=len(pdf),
            issued_by=actor.user if actor.user is not None and actor.user.is_authenticated else None,  # type: ignore[misc]
            issued_by_label=actor.label[:200],
        )
        bulletin.full_clean()
        bulletin.save()
        audit_record(actor=actor, action="issue", obj=bulletin, before=None, after=snapshot(bulletin))
    return bulletin
