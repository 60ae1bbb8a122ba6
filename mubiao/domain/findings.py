"""Findings: what the data-quality rules say about a plan, as plain values."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from mubiao.domain.numbers import format_decimal
from mubiao.domain.values import Severity


@dataclass(frozen=True)
class Finding:
    """One thing wrong (or worth knowing) about a plan's figures.

    `unit` is the table's short name of the unit concerned (the city under its own name),
    or None when the finding is about a whole row. `implied` maps blank cells to the value
    that would close a gap, when blanks could explain it; it never writes anything.
    """

    rule: str
    severity: Severity
    indicator: str
    indicator_number: str
    year: int | None
    level: str | None
    unit: str | None
    expected: Decimal | None
    found: Decimal | None
    message: str
    implied: dict[str, Decimal] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form; Decimals become numbers written as they are shown (12, not 12.0000)."""
        return {
            "rule": self.rule,
            "severity": self.severity.value,
            "indicator": self.indicator,
            "indicator_number": self.indicator_number,
            "year": self.year,
            "level": self.level,
            "unit": self.unit,
            "expected": decimal_to_json(self.expected),
            "found": decimal_to_json(self.found),
            "implied": {name: decimal_to_json(value) for name, value in self.implied.items()},
            "message": self.message,
        }


def decimal_to_json(value: Decimal | None) -> int | float | None:
    """An exact JSON number for a Decimal: integers stay integers, others keep their digits."""
    if value is None:
        return None
    text = format_decimal(value)
    return int(text) if "." not in text else float(text)
