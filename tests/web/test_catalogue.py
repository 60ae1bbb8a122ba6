"""The English catalogue: every message translated, and the committed .mo built from the .po as it is."""

from __future__ import annotations

import ast
import gettext
from dataclasses import dataclass
from pathlib import Path

LC_MESSAGES = Path(__file__).resolve().parents[2] / "mubiao" / "locale" / "en" / "LC_MESSAGES"


@dataclass
class Entry:
    context: str | None
    msgid: str
    msgstr: str
    flags: list[str]


def read_po(path: Path) -> list[Entry]:
    """The entries of a .po file; enough of the format for what makemessages writes (no plurals here)."""
    entries = []
    for chunk in path.read_text(encoding="utf-8").split("\n\n"):
        parts: dict[str, str] = {}
        flags: list[str] = []
        key = None
        for line in chunk.splitlines():
            if line.startswith("#,"):
                flags += [flag.strip() for flag in line[2:].split(",")]
            elif line.startswith(("msgctxt ", "msgid ", "msgstr ")):
                key, _, quoted = line.partition(" ")
                parts[key] = ast.literal_eval(quoted)
            elif line.startswith('"') and key:
                parts[key] += ast.literal_eval(line)
        if "msgid" in parts:
            entries.append(Entry(parts.get("msgctxt"), parts["msgid"], parts.get("msgstr", ""), flags))
    return entries


ENTRIES = [entry for entry in read_po(LC_MESSAGES / "django.po") if entry.msgid]


def test_the_catalogue_holds_the_page_and_model_labels():
    msgids = {entry.msgid for entry in ENTRIES}
    assert {"指标名称", "年度目标", "责任单位", "确保", "力争", "实际", "规划名称", "保有量（存量）"} <= msgids


def test_every_message_has_an_english_translation():
    untranslated = [entry.msgid for entry in ENTRIES if not entry.msgstr.strip() or "fuzzy" in entry.flags]

    assert untranslated == [], "run `make messages` and translate these in django.po"


def test_the_compiled_catalogue_matches_the_po_file():
    with (LC_MESSAGES / "django.mo").open("rb") as compiled:
        catalogue = gettext.GNUTranslations(compiled)
    for entry in ENTRIES:
        if entry.context is None:
            assert catalogue.gettext(entry.msgid) == entry.msgstr
        else:
            assert catalogue.pgettext(entry.context, entry.msgid) == entry.msgstr
