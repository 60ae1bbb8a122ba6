"""Reading numbers written by people: full-width digits, thousands separators, stray spaces.

Values are Decimal, never float. Anything that is not plainly a number is refused with a reason,
never guessed: a blank is "no value", not zero.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation

_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
_PLAIN = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")


class NumberFormatError(ValueError):
    """A cell that should hold a number holds something else; the message says what."""


def normalise_text(text: str) -> str:
    """Fold full-width forms to ASCII (１２ → 12, （ → (), and strip surrounding whitespace."""
    return unicodedata.normalize("NFKC", text).strip()


def is_blank(text: str | None) -> bool:
    return text is None or normalise_text(text) in {"", "-", "—", "/", "－", "——"}


def parse_decimal(text: str | None) -> Decimal | None:
    """Return the Decimal a cell holds, or None for a blank cell.

    Raises NumberFormatError for text that is not a number (including 1.2万 and percentages,
    which need an explicit unit rule rather than a silent conversion).
    """
    if is_blank(text):
        return None
    assert text is not None
    folded = normalise_text(text).replace(" ", "")
    if _THOUSANDS.match(folded):
        folded = folded.replace(",", "")
    if not _PLAIN.match(folded):
        if folded.endswith("%"):
            raise NumberFormatError(f"“{text}”是百分数，这里需要一个数值")
        if folded.endswith(("万", "亿")):
            raise NumberFormatError(f"“{text}”带有数量单位，这里需要一个纯数值")
        raise NumberFormatError(f"“{text}”不是数值")
    try:
        return Decimal(folded)
    except InvalidOperation as exc:  # pragma: no cover - the regex admits only valid literals
        raise NumberFormatError(f"“{text}”不是数值") from exc


def looks_numeric(text: str | None) -> bool:
    try:
        return parse_decimal(text) is not None
    except NumberFormatError:
        return False


def format_decimal(value: Decimal | None) -> str:
    """Show a Decimal without a trailing '.0000': 12 not 12.0000, 1.5 not 1.5000; blank stays blank."""
    if value is None:
        return ""
    normalised = value.normalize()
    if normalised == normalised.to_integral():
        return str(normalised.quantize(Decimal(1)))
    return format(normalised, "f")
