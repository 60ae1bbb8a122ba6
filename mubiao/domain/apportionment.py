"""Apportionment: a whole number of items shared among units in proportion to their weights.

Webster / Sainte-Laguë (the default) is a divisor method: a divisor d is found so that each unit's quotient
weight ÷ d, rounded to the nearest whole number (halves up), adds up to the house size. A reader can redo
any unit's share by hand from d. Divisor methods are house-monotone: a larger house never takes an item
from a unit. Hamilton (largest remainder) gives each unit the whole part of its quota and the items left
to the largest remainders; it can take an item from a unit when the house grows (the Alabama paradox).

Ties (equal quotients at the cut) are broken by the units' order, and reported.
"""

from __future__ import annotations

import heapq
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal
from enum import StrEnum
from fractions import Fraction


class Method(StrEnum):
    WEBSTER = "webster"
    HAMILTON = "hamilton"


@dataclass(frozen=True)
class Apportionment:
    seats: tuple[int, ...]
    quotas: tuple[Fraction, ...]  # each unit's exact share of the house: weight × house ÷ Σ weights
    divisor: Fraction | None  # Webster's divisor; None for Hamilton
    ties: frozenset[int]  # the units (by index) whose last item was decided by their order


def _order_key(value: Fraction, index: int) -> tuple[Fraction, int]:
    return (-value, index)


def apportion(
    weights: Sequence[Decimal | int | Fraction], house: int, method: Method = Method.WEBSTER
) -> Apportionment:
    """Share `house` whole items among units by weight. All weights zero: shared as equally as the order allows."""
    if house < 0:
        raise ValueError("house must not be negative")
    exact = [Fraction(str(w)) if isinstance(w, Decimal) else Fraction(w) for w in weights]
    if any(w < 0 for w in exact):
        raise ValueError("weights must not be negative")
    if not exact:
        return Apportionment((), (), None, frozenset())
    if sum(exact) == 0:
        exact = [Fraction(1)] * len(exact)
    total = sum(exact)
    quotas = tuple(w * house / total for w in exact)
    if method is Method.HAMILTON:
        return _hamilton(quotas, house)
    return _webster(exact, quotas, house)


def _hamilton(quotas: tuple[Fraction, ...], house: int) -> Apportionment:
    seats = [int(q) for q in quotas]  # quotas are non-negative: int() is the floor
    left = house - sum(seats)
    remainders = sorted(range(len(quotas)), key=lambda i: _order_key(quotas[i] - seats[i], i))
    winners = remainders[:left]
    for index in winners:
        seats[index] += 1
    ties: set[int] = set()
    if 0 < left < len(quotas):
        cut = quotas[remainders[left - 1]] - int(quotas[remainders[left - 1]])
        ties = {i for i in range(len(quotas)) if quotas[i] - int(quotas[i]) == cut}
        if len(ties) < 2 or all(i in winners for i in ties):
            ties = set()
    return Apportionment(tuple(seats), quotas, None, frozenset(ties))


def _webster(weights: list[Fraction], quotas: tuple[Fraction, ...], house: int) -> Apportionment:
    """Sainte-Laguë by its priority list: the k-th item of a unit is worth weight ÷ (k − ½); the house takes the
    `house` highest. The divisor is any value between the last priority taken and the first left out."""
    seats = [0] * len(weights)
    if house == 0:
        return Apportionment(tuple(seats), quotas, None, frozenset())
    # Start near the answer (the rounded quotas), then add or take away by priority: exact, and fast for
    # thousands of units.
    seats = [int((q + Fraction(1, 2)).__floor__()) for q in quotas]

    def next_priority(i: int) -> Fraction:  # the worth of unit i's next item
        return weights[i] / (seats[i] + Fraction(1, 2))

    def last_priority(i: int) -> Fraction:  # the worth of unit i's last item held
        return weights[i] / (seats[i] - Fraction(1, 2)) if seats[i] > 0 else Fraction(10**30)

    # Heaps of the next item's worth (to add) and the last item's worth (to take away): fast for thousands.
    missing = house - sum(seats)
    if missing > 0:
        adding = [(-next_priority(i), i) for i in range(len(weights))]
        heapq.heapify(adding)
        for _ in range(missing):
            _, best = heapq.heappop(adding)
            seats[best] += 1
            heapq.heappush(adding, (-next_priority(best), best))
    elif missing < 0:
        removing = [(last_priority(i), -i) for i in range(len(weights)) if seats[i] > 0]
        heapq.heapify(removing)
        for _ in range(-missing):
            _, negative = heapq.heappop(removing)
            worst = -negative
            seats[worst] -= 1
            if seats[worst] > 0:
                heapq.heappush(removing, (last_priority(worst), -worst))
    taken = min((last_priority(i) for i in range(len(weights)) if seats[i] > 0), default=Fraction(0))
    left_out = max((next_priority(i) for i in range(len(weights))), default=Fraction(0))
    # Any divisor between the first item left out and the last one taken gives these seats; the middle one.
    divisor = (taken + left_out) / 2 if taken + left_out > 0 and taken < Fraction(10**30) else None
    # A tie: the last item taken and the first left out are worth the same, so the order decided.
    ties = frozenset(
        i
        for i in range(len(weights))
        if taken == left_out and (last_priority(i) == taken or next_priority(i) == left_out)
    )
    return Apportionment(tuple(seats), quotas, divisor, ties)


def rounded_quotient(weight: Decimal, divisor: Fraction) -> int:
    """Webster's rule for one unit, as a reader redoes it: weight ÷ divisor, rounded half up."""
    quotient = Decimal(weight) * Decimal(divisor.denominator) / Decimal(divisor.numerator)
    return int(quotient.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def floor_of(value: Decimal) -> int:
    return int(value.to_integral_value(rounding=ROUND_FLOOR))
