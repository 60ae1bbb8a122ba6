"""Text that goes into a spreadsheet cell (CSV or .xlsx) without being run as a formula.

OWASP's rule against CSV injection: a text cell that begins with =, +, -, @, a tab or a carriage
return may be read as a formula by Excel or LibreOffice (=HYPERLINK(…), =cmd|…), so it is written
with a ' in front, which spreadsheets show as text and do not display. Numbers are written as
numbers and are not affected: only text passes through here.
"""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell_text(text: str) -> str:
    """The text as a spreadsheet shows it and never evaluates it."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text
