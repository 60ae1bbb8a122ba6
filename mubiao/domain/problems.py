"""The errors a table can raise, each naming the file, row and column it is about."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One reason a table cannot be read, with its place (1-based row and column, where known)."""

    message: str
    row: int | None = None
    column: int | None = None
    expected: str = ""

    def located(self, source: str) -> str:
        place = source
        if self.row is not None:
            place += f" 第{self.row}行"
        if self.column is not None:
            place += f"第{self.column}列"
        text = f"{place}：{self.message}"
        if self.expected:
            text += f"（应为：{self.expected}）"
        return text

    def as_dict(self, source: str) -> dict[str, object]:
        return {
            "file": source,
            "row": self.row,
            "column": self.column,
            "message": self.message,
            "expected": self.expected,
        }


class TableError(Exception):
    """The table cannot be imported as it stands. Nothing has been written."""

    def __init__(self, source: str, problems: list[Problem]) -> None:
        self.source = source
        self.problems = problems
        super().__init__("\n".join(problem.located(source) for problem in problems))
