"""The fixed vocabularies of the domain, with their Chinese labels."""

from __future__ import annotations

from enum import StrEnum

# The row kinds' words live with the other words of tables; imported from here too, as ever.
from mubiao.domain.vocabulary import LEVEL_LABELS as LEVEL_LABELS


class Level(StrEnum):
    """The level of a target: 确保 (the floor a unit is held to) or 力争 (the stretch)."""

    COMMITTED = "committed"
    STRETCH = "stretch"

    @property
    def label(self) -> str:
        return LEVEL_LABELS[self.value]


class RowKind(StrEnum):
    """What a row of a decomposition table holds: a target level or the actual values."""

    COMMITTED = "committed"
    STRETCH = "stretch"
    ACTUAL = "actual"

    @property
    def label(self) -> str:
        return LEVEL_LABELS[self.value]


ROW_ORDER = {"committed": 0, "stretch": 1, "actual": 2}


class IndicatorKind(StrEnum):
    """Flow indicators count new items per year (新增); stock indicators give a year-end level (保有量)."""

    FLOW = "flow"
    STOCK = "stock"

    @property
    def label(self) -> str:
        return {"flow": "新增（流量）", "stock": "保有量（存量）"}[self.value]


class Direction(StrEnum):
    """Whether a higher or a lower value is better (energy intensity, say, is lower-is-better)."""

    HIGHER = "higher"
    LOWER = "lower"

    @property
    def label(self) -> str:
        return {"higher": "越高越好", "lower": "越低越好"}[self.value]


class Comparison(StrEnum):
    """How a milestone's value binds: '12家以上' is at least 12, '15家' is exactly 15."""

    AT_LEAST = "at_least"
    EXACTLY = "exactly"


class Severity(StrEnum):
    """How serious a finding is; errors make `mubiao validate` exit with status 1."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def label(self) -> str:
        return {"error": "错误", "warning": "警告", "info": "提示"}[self.value]


SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}

#: Units of measure of rates and shares: a district's rate and the city's do not add up.
RATE_UNITS = frozenset({"%", "％", "‰", "百分点", "个百分点"})


def units_add_up(unit_of_measure: str) -> bool:
    """Whether units' figures add up to the city's: counts and amounts do, rates and shares do not."""
    return unit_of_measure.strip() not in RATE_UNITS
