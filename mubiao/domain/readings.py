"""What a decomposition table says, as plain values: the result of structure detection."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal


@dataclass(frozen=True)
class HeaderUnit:
    """A unit named in the header, with where (1-based) the name stands."""

    name: str
    row: int
    column: int


@dataclass(frozen=True)
class CellValue:
    """One value read from the table. `unit` None is the row's total (the area's own target)."""

    indicator_number: str
    unit: str | None
    year: int
    level: str
    value: Decimal
    row: int
    column: int


@dataclass
class IndicatorReading:
    """One indicator block of the table."""

    number: str
    name: str
    goal_text: str
    first_row: int
    last_row: int = 0
    lead_departments: list[str] = field(default_factory=list)
    responsible_units: str = ""
    remarks: str = ""


@dataclass
class TableReading:
    """The whole table as understood, before anything is written."""

    source: str
    title: str
    plan_title: str
    attachment: str
    area_name: str
    start_year: int
    end_year: int
    units: list[HeaderUnit]
    indicators: list[IndicatorReading]
    values: list[CellValue]
    notes: list[str] = field(default_factory=list)
    mapping_notes: list[str] = field(default_factory=list)
    sheet: str = ""
