"""What a layout reader hands back: a reading or the problems that stop one, and the table described.

Kept apart from the understanding so that both readers (blocks, cross-tab) and the understanding
that chooses between them can share these without importing one another.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from mubiao.domain.problems import Problem
from mubiao.domain.readings import CellValue, TableReading
from mubiao.domain.values import units_add_up
from mubiao.tables.mapping import LayoutMapping


@dataclass(frozen=True)
class Reconciliation:
    """One total checked against the sum of its units (parts left out)."""

    indicator_number: str
    indicator_name: str
    year: int
    level: str
    total: Decimal
    units_sum: Decimal
    row: int  # where the total stands (1-based)
    column: int

    @property
    def reconciles(self) -> bool:
        return self.total == self.units_sum


@dataclass
class LayoutResult:
    """What one layout reader returns: a reading, or the problems that stop one, and the description."""

    layout: str
    mapping: LayoutMapping
    reading: TableReading | None
    problems: list[Problem] = field(default_factory=list)
    proposals: list[str] = field(default_factory=list)
    row_roles: dict[int, str] = field(default_factory=dict)
    column_roles: dict[int, str] = field(default_factory=dict)
    reconciliations: list[Reconciliation] | None = None  # when the reader has already checked the totals


def reconcile(reading: TableReading) -> list[Reconciliation]:
    """Every total of the reading against the sum of its units, 'of which' units left out."""
    names = {indicator.number: indicator.name for indicator in reading.indicators}
    rates = {indicator.number for indicator in reading.indicators if not units_add_up(indicator.unit_of_measure)}
    parts = {unit.name for unit in reading.units if unit.part_of}
    sums: dict[tuple[str, int, str], Decimal] = {}
    totals: dict[tuple[str, int, str], CellValue] = {}
    for value in reading.values:
        key = (value.indicator_number, value.year, value.level)
        if value.unit is None:
            totals[key] = value
        elif value.unit not in parts:
            sums[key] = sums.get(key, Decimal(0)) + value.value
    return [
        Reconciliation(
            indicator_number=key[0],
            indicator_name=names.get(key[0], key[0]),
            year=key[1],
            level=key[2],
            total=total.value,
            units_sum=sums.get(key, Decimal(0)),
            row=total.row,
            column=total.column,
        )
        for key, total in totals.items()
        if key in sums and key[0] not in rates
    ]
