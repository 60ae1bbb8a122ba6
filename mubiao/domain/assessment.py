"""Assessment (考核): each unit's score out of fixed points, capped, with bonuses, deductions and vetoes.

An indicator earns its points × the unit's completion of what the calendar expects by the period
(序时进度; at the year's end, the whole committed target), and never more than `cap` × its points, so
one over-achievement cannot dominate. A unit without a target on an indicator is scored on the others,
scaled to the full marks (按有目标指标折算). A unit with a target but no approved figure earns nothing on it.
Bonus items (加分) add up to at most `bonus_cap`; deductions (扣分) subtract; the score stays ≥ 0. A veto
(一票否决) puts the unit behind every other and in the lowest grade, whatever its score.

Plain values in, plain values out: no Django.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from itertools import pairwise

from mubiao.domain.refusals import Refusal, Refused

ZERO = Decimal(0)
ONE = Decimal(1)
HUNDRED = Decimal(100)
#: Scores are shown and compared at two decimals, as assessment tables print them.
CENT = Decimal("0.01")


class GradeBasis(StrEnum):
    SCORE = "score"  # a tier's bound is the lowest score it takes
    RANK = "rank"  # a tier's bound is how many places it takes, counted from the top


class ItemKind(StrEnum):
    BONUS = "bonus"
    DEDUCTION = "deduction"
    VETO = "veto"

    @property
    def label(self) -> str:
        return {"bonus": "加分", "deduction": "扣分", "veto": "一票否决"}[self.value]


@dataclass(frozen=True)
class Tier:
    label: str  # 优秀
    bound: Decimal  # by score: at least this score; by rank: within this many places from the top


DEFAULT_TIERS = (
    Tier("优秀", Decimal(90)),
    Tier("良好", Decimal(80)),
    Tier("合格", Decimal(60)),
    Tier("不合格", ZERO),
)
DEFAULT_CAP = Decimal("1.2")
DEFAULT_BONUS_CAP = Decimal(5)
#: How much over-achievement may ever earn: three times the points is already beyond any office's rule.
MOST_CAP = Decimal(3)
#: The most points one indicator, the bonuses, or a tier's bound may take: beyond them a rule is a typo.
MOST_POINTS = Decimal(1000)
MOST_BONUS = Decimal(100)
MOST_BOUND = Decimal(10_000)
#: The longest name of a grade (the model's max_length).
TIER_LABEL_LIMIT = 20


def in_range(value: Decimal, low: Decimal, high: Decimal) -> bool:
    """Between low and high, with at most two decimals (what the tables store and print)."""
    exponent = value.as_tuple().exponent
    return value.is_finite() and low <= value <= high and isinstance(exponent, int) and exponent >= -2


@dataclass(frozen=True)
class Rules:
    """A plan's assessment rules. `points` maps an indicator's key (its number) → its points (分值)."""

    points: Mapping[str, Decimal]
    cap: Decimal = DEFAULT_CAP
    bonus_cap: Decimal = DEFAULT_BONUS_CAP
    grade_basis: GradeBasis = GradeBasis.SCORE
    tiers: tuple[Tier, ...] = DEFAULT_TIERS

    @property
    def full_marks(self) -> Decimal:
        return sum(self.points.values(), ZERO)

    @property
    def most(self) -> Decimal:
        """The highest score any unit can reach: every indicator at its cap, every bonus point."""
        return self.full_marks * self.cap + self.bonus_cap

    def summary(self) -> str:
        """满分100分；超额完成的指标最多计分值的120%；加分不超过5分；等次：优秀≥90分、…、其余不合格."""
        if self.grade_basis is GradeBasis.SCORE:
            tiers = "、".join(f"{t.label}≥{_num(t.bound)}分" for t in self.tiers[:-1])
        else:
            tiers = "、".join(f"{t.label}前{_num(t.bound)}名" for t in self.tiers[:-1])
        tiers = f"{tiers}、其余{self.tiers[-1].label}" if tiers else self.tiers[-1].label
        return (
            f"满分{_num(self.full_marks)}分；超额完成的指标最多计分值的{_num(self.cap * HUNDRED)}%；"
            f"加分不超过{_num(self.bonus_cap)}分；等次：{tiers}"
        )

    def problems(self) -> list[Refusal]:
        """Why these rules cannot be used (an empty list when they can)."""
        found: list[Refusal] = []
        for key, value in self.points.items():
            if not in_range(value, ZERO, MOST_POINTS):
                found.append(
                    Refusal("assessment_points_out_of_range", "points", {"indicator": key, "value": str(value)[:40]})
                )
        if self.points and all(in_range(v, ZERO, MOST_POINTS) for v in self.points.values()) and self.full_marks <= 0:
            found.append(Refusal("assessment_no_points", "points"))
        if not in_range(self.cap, ONE, MOST_CAP):
            found.append(
                Refusal("assessment_cap_out_of_range", "cap", {"value": str(self.cap)[:40], "most": str(MOST_CAP)})
            )
        if not in_range(self.bonus_cap, ZERO, MOST_BONUS):
            found.append(Refusal("assessment_bonus_cap_out_of_range", "bonus_cap", {"value": str(self.bonus_cap)[:40]}))
        found.extend(_tier_problems(self.tiers, self.grade_basis))
        return found

    def checked(self) -> Rules:
        """These rules, or Refused with every problem."""
        if problems := self.problems():
            raise Refused(*problems)
        return self


def _tier_problems(tiers: Sequence[Tier], basis: GradeBasis) -> list[Refusal]:
    if not tiers:
        return [Refusal("assessment_no_tiers", "tiers")]
    found: list[Refusal] = []
    labels = [tier.label.strip() for tier in tiers]
    if any(not label or len(label) > TIER_LABEL_LIMIT for label in labels) or len(set(labels)) != len(labels):
        found.append(Refusal("assessment_tier_labels", "tiers", {"limit": TIER_LABEL_LIMIT}))
    bounds = [tier.bound for tier in tiers]
    if not all(in_range(bound, ZERO, MOST_BOUND) for bound in bounds):
        return [*found, Refusal("assessment_tier_bound_out_of_range", "tiers", {"most": str(MOST_BOUND)})]
    if basis is GradeBasis.SCORE:
        # From the best tier down: each takes a lower score than the one above it.
        if any(b < 0 for b in bounds) or any(upper <= lower for upper, lower in pairwise(bounds)):
            found.append(Refusal("assessment_tiers_not_descending", "tiers"))
    elif any(b != b.to_integral_value() or b < 1 for b in bounds[:-1]) or any(
        upper >= lower for upper, lower in pairwise(bounds[:-1])
    ):
        # By rank: 优秀 the first 3, 良好 the first 8 …; the last tier takes everyone left.
        found.append(Refusal("assessment_tiers_not_ascending", "tiers"))
    return found


@dataclass(frozen=True)
class Item:
    """A bonus, deduction or veto for a unit, with the reason and the evidence it rests on."""

    unit: str
    kind: ItemKind
    points: Decimal  # ≥ 0; the kind says which way it counts; a veto has none
    reason: str
    evidence: str = ""


@dataclass(frozen=True)
class Figure:
    """What assessment needs of one unit's figure on one indicator."""

    actual: Decimal | None
    expected: Decimal | None  # what the calendar expects by the period (the committed target at year end)
    rate: Decimal | None  # completion of `expected`, the direction already applied; None when not reported


@dataclass(frozen=True)
class Term:
    """One indicator's part of a unit's score."""

    indicator: str  # the indicator's key
    title: str  # 1.国家级创新平台
    points: Decimal
    rate: Decimal | None
    earned: Decimal
    capped: bool  # the rate was above the cap, so the points stop there
    reported: bool

    @property
    def text(self) -> str:
        """国家级创新平台 25分×120%（封顶）=30 — one term as the explanation writes it."""
        if not self.reported:
            return f"{self.title} {_num(self.points)}分×未报=0"
        assert self.rate is not None
        capped = "（封顶）" if self.capped else ""
        return f"{self.title} {_num(self.points)}分×{_percent(self.rate)}{capped}={_num(self.earned)}"


@dataclass(frozen=True)
class UnitScore:
    unit: str
    terms: tuple[Term, ...] = ()
    base: Decimal | None = None  # Σ earned, scaled to the full marks; None without any target
    scale: Decimal = ONE  # full marks ÷ the points of the indicators the unit has targets on
    bonus: Decimal = ZERO  # after the cap
    bonus_claimed: Decimal = ZERO  # before the cap
    deduction: Decimal = ZERO
    vetoes: tuple[str, ...] = ()  # the reasons
    items: tuple[Item, ...] = ()
    score: Decimal | None = None
    rank: int | None = None
    grade: str = ""
    previous_rank: int | None = None
    waiting: bool = False  # no unit has an approved figure for the period yet: nobody is assessed

    @property
    def vetoed(self) -> bool:
        return bool(self.vetoes)

    @property
    def rank_change(self) -> int | None:
        """Places gained since the previous period (positive: up); None without both ranks."""
        if self.rank is None or self.previous_rank is None:
            return None
        return self.previous_rank - self.rank

    @property
    def rank_change_text(self) -> str:
        """↑2, ↓1, — (unchanged), 新 (no rank before), "" (no rank now)."""
        if self.rank is None:
            return ""
        change = self.rank_change
        if change is None:
            return "新"
        return "—" if change == 0 else (f"↑{change}" if change > 0 else f"↓{-change}")

    def explanation(self) -> str:
        """The score written out term by term, as an assessment table's 计分说明 does."""
        if self.waiting:
            return WAITING
        if self.base is None:
            return NO_TARGET
        parts = "＋".join(term.text for term in self.terms)
        text = f"{parts}，小计{_num(sum((t.earned for t in self.terms), ZERO))}"
        if self.scale != ONE:
            targeted = sum((term.points for term in self.terms), ZERO)
            text += f"，按有目标指标折算×{_num(targeted * self.scale)}/{_num(targeted)}={_num(self.base)}"
        if self.bonus_claimed:
            kept = "" if self.bonus == self.bonus_claimed else f"（封顶{_num(self.bonus)}）"
            text += f"；加分{_num(self.bonus_claimed)}{kept}"
        if self.deduction:
            text += f"；扣分{_num(self.deduction)}"
        assert self.score is not None
        text += f"；得分{_num(self.score)}"
        if self.vetoes:
            text += "；一票否决：" + "；".join(self.vetoes)
        return text


NO_TARGET = "无目标，不参与考核"
WAITING = "本期尚无已审核的实际值，暂不考核"


def _num(value: Decimal) -> str:
    rounded = value.quantize(CENT, rounding=ROUND_HALF_UP).normalize()
    return format(rounded, "f")


def _percent(rate: Decimal) -> str:
    """162.9% — one decimal, as the progress sheet and the bulletin print a rate."""
    return f"{(rate * HUNDRED).quantize(Decimal('0.1'), rounding=ROUND_HALF_UP)}%"


def score_unit(
    unit: str,
    figures: Mapping[str, Figure],
    rules: Rules,
    titles: Mapping[str, str],
    items: Sequence[Item] = (),
) -> UnitScore:
    """One unit's score. `figures` maps indicator key → figure, for the indicators where it has a target."""
    terms: list[Term] = []
    for key, figure in figures.items():
        points = rules.points.get(key, ZERO)
        if points == 0:
            continue
        if figure.rate is None:
            terms.append(Term(key, titles.get(key, key), points, None, ZERO, capped=False, reported=False))
            continue
        kept = min(figure.rate, rules.cap)
        terms.append(Term(key, titles.get(key, key), points, figure.rate, points * kept, figure.rate > rules.cap, True))
    mine = tuple(item for item in items if item.unit == unit)
    if not terms:
        return UnitScore(unit, items=mine)
    targeted = sum((term.points for term in terms), ZERO)
    scale = rules.full_marks / targeted
    base = sum((term.earned for term in terms), ZERO) * scale
    claimed = sum((i.points for i in mine if i.kind is ItemKind.BONUS), ZERO)
    bonus = min(claimed, rules.bonus_cap)
    deduction = sum((i.points for i in mine if i.kind is ItemKind.DEDUCTION), ZERO)
    score = max(base + bonus - deduction, ZERO).quantize(CENT, rounding=ROUND_HALF_UP)
    vetoes = tuple(i.reason for i in mine if i.kind is ItemKind.VETO)
    return UnitScore(unit, tuple(terms), base, scale, bonus, claimed, deduction, vetoes, mine, score)


def grade_of(score: UnitScore, rules: Rules) -> str:
    """The unit's tier: by score, the first whose bound it reaches; by rank, the first whose places hold it."""
    if score.score is None or score.rank is None:
        return ""
    lowest = rules.tiers[-1].label
    if score.vetoed:
        return lowest
    for tier in rules.tiers[:-1]:
        if rules.grade_basis is GradeBasis.SCORE and score.score >= tier.bound:
            return tier.label
        if rules.grade_basis is GradeBasis.RANK and score.rank <= tier.bound:
            return tier.label
    if rules.grade_basis is GradeBasis.SCORE and score.score < rules.tiers[-1].bound:
        return ""  # below every tier's bound: the rules leave it ungraded
    return lowest


def assess(
    figures: Mapping[str, Mapping[str, Figure]],
    rules: Rules,
    titles: Mapping[str, str],
    items: Sequence[Item] = (),
    previous_ranks: Mapping[str, int | None] | None = None,
) -> list[UnitScore]:
    """Every unit's score, ranked best first: equal scores share a rank, vetoed units follow the rest,
    units without a target come last without a rank; until some unit has an approved figure nobody is
    ranked. `figures` maps unit → indicator key → figure."""
    scores = [score_unit(unit, by_indicator, rules, titles, items) for unit, by_indicator in figures.items()]
    if not any(term.reported for score in scores for term in score.terms):
        # Before any figure is approved, every unit would tie at nothing: there is no assessment yet.
        return [replace(score, score=None, waiting=score.base is not None) for score in scores]
    scored = [s for s in scores if s.score is not None]
    order = sorted(scored, key=lambda s: (s.vetoed, -(s.score or ZERO)))
    ranked: list[UnitScore] = []
    previous_key: tuple[bool, Decimal] | None = None
    rank = 0
    for position, unit_score in enumerate(order, start=1):
        key = (unit_score.vetoed, unit_score.score or ZERO)
        if key != previous_key:
            rank, previous_key = position, key
        ranked.append(_placed(unit_score, rank, previous_ranks))
    result = [replace(s, grade=grade_of(s, rules)) for s in ranked]
    result.extend(_placed(s, None, previous_ranks) for s in scores if s.score is None)
    return result


def _placed(score: UnitScore, rank: int | None, previous: Mapping[str, int | None] | None) -> UnitScore:
    return replace(score, rank=rank, previous_rank=(previous or {}).get(score.unit))


def default_points(weights: Mapping[str, Decimal], full_marks: Decimal = HUNDRED) -> dict[str, Decimal]:
    """Points from the indicators' weights: the full marks shared in proportion (equal weights, equal points)."""
    total = sum(weights.values(), ZERO)
    if total <= 0:
        return {key: ZERO for key in weights}
    points = {
        key: (full_marks * share / total).quantize(CENT, rounding=ROUND_HALF_UP) for key, share in weights.items()
    }
    # Rounding may leave the sum a cent or two off (3 × 33.33): the last indicators take the difference,
    # so the full marks are what they say.
    keys = list(points)
    difference = full_marks - sum(points.values(), ZERO)
    step = CENT if difference > 0 else -CENT
    for index in range(int(abs(difference) / CENT)):
        points[keys[-1 - index % len(keys)]] += step
    return points


def grade_counts(scores: Sequence[UnitScore], rules: Rules) -> tuple[tuple[str, int], ...]:
    """How many units fall in each tier, in the rules' order — for a bulletin's sentence."""
    return tuple((tier.label, sum(1 for s in scores if s.grade == tier.label)) for tier in rules.tiers)
