"""Progress: how far actual values are from their targets, against the calendar, and who ranks where.

Plain values in, plain values out. A rate is a ratio (1.426 means 142.6 %); a missing or zero target
is "no target", never a division error. For lower-is-better indicators (energy intensity, say) the
rate is target ÷ actual, so that above 1 still means better than the target.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from mubiao.domain.periods import Period, PeriodKind
from mubiao.domain.values import Direction, IndicatorKind

ONE = Decimal(1)
ZERO = Decimal(0)


class Status(StrEnum):
    """Where a unit stands for one indicator and period, with its Chinese label."""

    ABOVE_STRETCH = "above_stretch"
    ABOVE_COMMITTED = "above_committed"
    ON_SCHEDULE = "on_schedule"
    BEHIND_SCHEDULE = "behind_schedule"
    BELOW_COMMITTED = "below_committed"
    NOT_REPORTED = "not_reported"
    PARTIAL = "partial"  # a city's sum (汇总) still waiting for some of its units
    NO_TARGET = "no_target"

    @property
    def label(self) -> str:
        return STATUS_LABELS[self.value]


STATUS_LABELS = {
    "above_stretch": "完成力争",
    "above_committed": "完成确保",
    "on_schedule": "序时正常",
    "behind_schedule": "序时滞后",
    "below_committed": "未完成",
    "not_reported": "尚未填报",
    "partial": "尚未报齐",
    "no_target": "无目标",
}

#: Traffic-light colour of each status (红黄绿灯); a figure not reported yet has a hollow light.
STATUS_LIGHTS = {
    "above_stretch": "green",
    "above_committed": "green",
    "on_schedule": "green",
    "behind_schedule": "yellow",
    "below_committed": "red",
    "not_reported": "none",
    "partial": "none",
    "no_target": "grey",
}


# -- the calendar -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Schedule:
    """How much of a year's target is expected by the end of each month (序时进度).

    Empty steps mean linear: month m expects m/12. Steps (month, share) describe a step schedule, e.g.
    enterprises certified in batches: ((6, 0.3), (12, 1)) expects nothing before June, 30 % from June
    and all of it in December.
    """

    steps: tuple[tuple[int, Decimal], ...] = ()

    def share(self, month: int) -> Decimal:
        if not 1 <= month <= 12:
            raise ValueError(f"月份{month}不在1—12之间")
        if not self.steps:
            return Decimal(month) / 12
        reached = [share for step_month, share in self.steps if step_month <= month]
        return max(reached) if reached else ZERO

    @classmethod
    def from_steps(cls, steps: Sequence[Sequence[object]]) -> Schedule:
        """A schedule from stored steps ([[6, "0.3"], [12, "1"]]); refuses steps that go backwards."""
        parsed = tuple((int(str(month)), Decimal(str(share))) for month, share in steps)
        months = [month for month, _ in parsed]
        shares = [share for _, share in parsed]
        if months != sorted(set(months)) or any(not 1 <= m <= 12 for m in months):
            raise ValueError("进度阶梯的月份须在1—12之间且逐步递增")
        if shares != sorted(shares) or any(not ZERO <= s <= ONE for s in shares):
            raise ValueError("进度阶梯的比例须在0—1之间且不递减")
        return cls(parsed)


def expected_by(
    *,
    target: Decimal,
    period: Period,
    kind: IndicatorKind,
    schedule: Schedule = Schedule(),
    last_year_actual: Decimal | None = None,
) -> Decimal:
    """What the calendar expects by the end of a period: the time-elapsed share of the target.

    A flow is expected to have reached share × target (year to date). A stock moves from last
    year's level toward the target, so it is expected at last + share × (target − last).
    """
    share = schedule.share(period.end_month)
    if kind is IndicatorKind.STOCK and last_year_actual is not None:
        return last_year_actual + share * (target - last_year_actual)
    return share * target


# -- rates and status ---------------------------------------------------------------------------


def completion_rate(actual: Decimal | None, target: Decimal | None, direction: Direction) -> Decimal | None:
    """actual ÷ target (target ÷ actual when lower is better); None when there is no target to measure by."""
    if actual is None or target is None or target == 0:
        return None
    if direction is Direction.LOWER:
        if actual <= 0:
            return None
        return target / actual
    return actual / target


def _reaches(direction: Direction, actual: Decimal, bound: Decimal) -> bool:
    return actual >= bound if direction is Direction.HIGHER else actual <= bound


def progress_status(
    *,
    actual: Decimal | None,
    committed: Decimal | None,
    stretch: Decimal | None,
    period: Period,
    direction: Direction,
    expected: Decimal | None = None,
) -> Status:
    """The status of one figure. A closed year (the annual figure, December or Q4) is judged against
    committed; an in-year figure that has not yet reached committed against the calendar's expectation.
    A figure nobody reported is not reported — not a failure to reach the target, which it may yet show.
    """
    if committed is None or committed == 0:
        return Status.NO_TARGET
    if actual is None:
        return Status.NOT_REPORTED
    if stretch is not None and stretch != 0 and _reaches(direction, actual, stretch):
        return Status.ABOVE_STRETCH
    if _reaches(direction, actual, committed):
        return Status.ABOVE_COMMITTED
    if period.end_month == 12:
        return Status.BELOW_COMMITTED
    if expected is not None and _reaches(direction, actual, expected):
        return Status.ON_SCHEDULE
    return Status.BEHIND_SCHEDULE


def year_to_date(kind: IndicatorKind, values: dict[Period, Decimal], period: Period) -> Decimal | None:
    """The figure for a period: reported values are already year to date for a flow, and the
    current level for a stock, so the value of the period itself — or of the latest earlier period
    of the same year when that one was not reported."""
    candidates = [p for p in values if p.year == period.year and p.end_month <= period.end_month]
    if not candidates:
        return None
    exact = [p for p in candidates if p.end_month == period.end_month]
    # Of equal ends (2019, 2019-Q4, 2019-12), the annual figure is the reviewed one.
    chosen = sorted(exact or candidates, key=lambda p: (p.end_month, p.kind is PeriodKind.YEAR))[-1]
    return values[chosen]


def cumulative_actual(
    kind: IndicatorKind, year_end_actuals: dict[int, Decimal], first_year: int, upto_year: int
) -> Decimal | None:
    """Progress toward a milestone: a flow adds up its years since the plan's first; a stock is its latest level."""
    years = [y for y in year_end_actuals if first_year <= y <= upto_year]
    if not years:
        return None
    if kind is IndicatorKind.STOCK:
        return year_end_actuals[max(years)]
    return sum((year_end_actuals[y] for y in years), ZERO)


# -- the city's own row -------------------------------------------------------------------------


@dataclass(frozen=True)
class CityTotal:
    """The city's figure where its units add up (汇总): the sum of what its units reported for the period.

    `expected` counts the units the sum waits for — those with a target that year, and any that reported
    without one. `own` is a figure the city reported itself (a checked total), shown beside the sum; the
    two are compared only once every expected unit has reported, since a partial sum is bound to differ.
    """

    summed: Decimal | None  # None while no unit has reported
    reported: int
    expected: int
    own: Decimal | None = None

    @property
    def complete(self) -> bool:
        return self.reported >= self.expected

    @property
    def mismatch(self) -> Decimal | None:
        """own − sum, when the city's own figure and its complete sum differ; None otherwise."""
        if self.own is None or self.summed is None or not self.complete or self.own == self.summed:
            return None
        return self.own - self.summed


def city_status(status: Status, total: CityTotal, direction: Direction) -> Status:
    """The status of a city's 汇总: a sum still waiting for units is 尚未报齐 rather than behind or short —
    unless it has already reached a target, which the missing units (when higher is better) cannot undo."""
    if total.complete or total.summed is None or status is Status.NO_TARGET:
        return status
    if direction is Direction.HIGHER and status in (Status.ABOVE_STRETCH, Status.ABOVE_COMMITTED):
        return status
    return Status.PARTIAL


def city_total(figures: dict[str, Decimal | None], has_target: set[str], own: Decimal | None = None) -> CityTotal:
    """Sum the units' figures (unit → figure for the period, None when not reported) into the city's 汇总."""
    reported = {unit: value for unit, value in figures.items() if value is not None}
    expected = has_target | set(reported)
    summed = sum(reported.values(), ZERO) if reported else None
    return CityTotal(summed=summed, reported=len(reported), expected=len(expected), own=own)


# -- rankings -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Ranked:
    unit: str
    rate: Decimal | None
    rank: int | None  # None: no target, so no place in the ranking


def rank_by_rate(rates: dict[str, Decimal | None]) -> list[Ranked]:
    """Units ordered by completion rate, best first; equal rates share a rank (1, 2, 2, 4); no rate, no rank.

    Units without a rate follow the ranked ones in the order given.
    """
    ranked = sorted(((unit, rate) for unit, rate in rates.items() if rate is not None), key=lambda pair: -pair[1])
    result: list[Ranked] = []
    previous: Decimal | None = None
    rank = 0
    for position, (unit, rate) in enumerate(ranked, start=1):
        if rate != previous:
            rank = position
            previous = rate
        result.append(Ranked(unit, rate, rank))
    result.extend(Ranked(unit, None, None) for unit, rate in rates.items() if rate is None)
    return result


@dataclass(frozen=True)
class ScoreTerm:
    """One indicator's part of a composite score: weight × rate, over the weights that count."""

    indicator: str
    weight: Decimal
    rate: Decimal
    contribution: Decimal


@dataclass(frozen=True)
class CompositeScore:
    unit: str
    score: Decimal | None
    terms: tuple[ScoreTerm, ...] = field(default_factory=tuple)
    rank: int | None = None
    has_targets: bool = False  # without a score: it has targets, but no figure counted yet

    def explanation(self) -> str:
        """The score written out term by term, as a bulletin would: 0.5×1.2 + 0.5×0.9 = 1.05."""
        if self.score is None:
            return UNSCORED_WAITING if self.has_targets else UNSCORED_NO_TARGET
        total = sum((term.weight for term in self.terms), ZERO)
        parts = " + ".join(f"{term.indicator} {_fmt(term.weight / total)}×{_fmt(term.rate)}" for term in self.terms)
        return f"{parts} = {_fmt(self.score)}"


def rounded_rate(value: Decimal | None) -> Decimal | None:
    """A rate as bulletins print it: three decimals, halves rounded up (1.4258 → 1.426)."""
    return None if value is None else value.quantize(Decimal("0.001"), rounding=ROUND_HALF_UP)


def _fmt(value: Decimal) -> str:
    rounded = rounded_rate(value)
    assert rounded is not None
    return format(rounded.normalize(), "f")


UNSCORED_NO_TARGET = "无目标，不参与综合排名"
UNSCORED_WAITING = "尚无计分的实际值，暂不参与综合排名"


def composite_scores(
    rates: dict[str, dict[str, Decimal | None]],
    weights: dict[str, Decimal],
    with_targets: frozenset[str] = frozenset(),
) -> list[CompositeScore]:
    """A weighted mean of each unit's completion rates over the indicators where it has a target.

    `rates` maps unit → indicator → rate; `weights` maps indicator → weight (missing: 1, equal weights).
    Units are ranked by score like `rank_by_rate` ranks rates. A unit without a score says why: no
    target at all, or (in `with_targets`) targets but no figure counted against them yet.
    """
    scores: dict[str, CompositeScore] = {}
    for unit, by_indicator in rates.items():
        counted = [(name, rate) for name, rate in by_indicator.items() if rate is not None]
        total_weight = sum((weights.get(name, ONE) for name, _ in counted), ZERO)
        if not counted or total_weight == 0:
            scores[unit] = CompositeScore(unit, None, has_targets=unit in with_targets)
            continue
        terms = tuple(
            ScoreTerm(name, weights.get(name, ONE), rate, weights.get(name, ONE) * rate / total_weight)
            for name, rate in counted
        )
        scores[unit] = CompositeScore(unit, sum((t.contribution for t in terms), ZERO), terms)
    places = {r.unit: r.rank for r in rank_by_rate({unit: score.score for unit, score in scores.items()})}
    ordered = sorted(scores.values(), key=lambda s: (places[s.unit] is None, places[s.unit] or 0))
    return [CompositeScore(s.unit, s.score, s.terms, places[s.unit], s.has_targets) for s in ordered]
