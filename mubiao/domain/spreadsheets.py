"""Text that goes into a spreadsheet cell (CSV or .xlsx) without being run as a formula.

OWASP's rule against CSV injection: a text cell that begins with =, +, -, @, a tab or a carriage
return may be read as a formula by Excel or LibreOffice (=HYPERLINK(…), =cmd|…). Numbers are
written as numbers and are not affected: only text passes through here.
"""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def begins_like_formula(text: str) -> bool:
    """Whether a spreadsheet could take the text for a formula if it stood in a cell of its own."""
    return text.startswith(FORMULA_STARTS)


def cell_text(text: str) -> str:
    """The text for a CSV cell, which has no types: a ' in front of what begins like a formula.

    An .xlsx cell is typed instead: its text is kept as it is and the cell marked quote-prefixed
    (mubiao.exports.xlsx), which Excel and LibreOffice show without the ' and never evaluate.
    """
    return "'" + text if begins_like_formula(text) else text
