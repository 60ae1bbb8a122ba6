"""Text for spreadsheet cells: nothing that begins like a formula is left to run."""

from __future__ import annotations

import pytest

from mubiao.domain.spreadsheets import cell_text


@pytest.mark.parametrize(
    "text",
    ["=1+1", '=HYPERLINK("http://x","y")', "+86 772", "-2+3", "@SUM(A1:A2)", "\t=1", "\r=1"],
)
def test_text_that_begins_like_a_formula_gets_a_quote_in_front(text: str) -> None:
    assert cell_text(text) == "'" + text


@pytest.mark.parametrize("text", ["柳南区", "高新技术企业（家）", "", "1.5", "a=b", "'=already quoted"])
def test_other_text_is_written_as_it_is(text: str) -> None:
    assert cell_text(text) == text
