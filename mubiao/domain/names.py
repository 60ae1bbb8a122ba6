"""Matching the names people write for org units: 宝 应 县 = 宝应县, （ = (."""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence

from mubiao.domain.numbers import normalise_text

_SUFFIX_KINDS = (
    ("自治县", "autonomous_county"),
    ("自治州", "city"),
    ("自治区", "province"),
    ("新区", "zone"),
    ("园区", "zone"),
    ("开发区", "zone"),
    ("高新区", "zone"),
    ("市本级", "city_level"),
    ("本级", "city_level"),
    ("省", "province"),
    ("市", "city"),
    ("县", "county"),
    ("区", "district"),
    ("镇", "township"),
    ("乡", "township"),
    ("街道", "township"),
)


def squash(text: str) -> str:
    """Fold full-width forms and drop every space, inner ones included."""
    return re.sub(r"\s+", "", normalise_text(text))


_STEM_ENDINGS = ("自治县", "县", "区", "市", "镇", "乡", "街道")


def stem(name: str) -> str:
    """A unit's name without its administrative ending, the short form tables use: 鹿寨县 → 鹿寨.

    Only when at least two characters remain, so 城区 or 郊区 keep their ending.
    """
    folded = squash(name)
    for ending in _STEM_ENDINGS:
        if folded.endswith(ending) and len(folded) - len(ending) >= 2:
            return folded[: -len(ending)]
    return folded


def kind_from_name(name: str) -> str:
    """The likely kind of a unit from its name's ending (鹿寨县 → county); 'other' when it does not say."""
    folded = squash(name)
    for suffix, kind in _SUFFIX_KINDS:
        if folded.endswith(suffix):
            return kind
    return "other"


def closest(name: str, candidates: list[str]) -> list[str]:
    """The known names most like a mistyped one (all those equally close), to suggest in a message."""
    wanted = squash(name)
    scored = [(difflib.SequenceMatcher(None, wanted, squash(c)).ratio(), c) for c in dict.fromkeys(candidates)]
    best = max((score for score, _ in scored), default=0.0)
    return [c for score, c in scored if score == best] if best >= 0.4 else []


def names_listed(names: Sequence[str], most: int = 20, more: str = "…等{count}个") -> str:
    """Names joined with 、, the first `most` of them and then how many in all: a message naming 3,000
    new units stays one readable line. `more` says the rest ({count}: how many names in all)."""
    shown = "、".join(names[:most])
    return shown if len(names) <= most else shown + more.format(count=len(names))


#: Control characters (C0 but tab and line feed, DEL, C1), the bidirectional overrides and isolates that make
#: a document print other than it reads, and the noncharacters U+FFFE and U+FFFF.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufffe\uffff]")
_LINE_SEPARATORS = re.compile("[\u2028\u2029]")


def printable(text: str) -> str:
    """The text without control characters (a NUL PostgreSQL refuses, a vertical tab pasted from Word that a
    PDF prints as a box, a right-to-left override that prints 反向 as 向反); line breaks and tabs stay, and
    Unicode's line and paragraph separators become spaces."""
    return _CONTROL.sub("", _LINE_SEPARATORS.sub(" ", text))
