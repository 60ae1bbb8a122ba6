"""The decomposition workspace: an indicator's city totals split into the units' targets, in the browser.

The page takes its inputs from the address (method, base, floor, locks), so every table it shows can be
bookmarked and compared; clicking a cell locks it at its value, a lock's × frees it, and the table is solved
again on every change. Nothing is written yet: publishing a table as the plan's next revision is to come.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from mubiao.domain.decomposition import Infeasible, Share, Solution
from mubiao.domain.numbers import format_decimal
from mubiao.domain.values import Level
from mubiao.plans.models import Indicator
from mubiao.refusals import refusal_text
from mubiao.reporting import decomposition
from mubiao.reporting.decomposition import (
    BaseChoice,
    DecompositionInputError,
    base_years,
    lock_text,
    parse_floor,
    parse_lock,
)
from mubiao.web.views import _plan_or_404


@dataclass(frozen=True)
class GridCell:
    value: str
    tag: str  # the first reason: the cell's colour
    explanation: str
    lock_query: str  # the address that locks (or frees) this cell at its value
    locked: bool


@dataclass(frozen=True)
class GridRow:
    unit: str
    level: str
    cells: list[GridCell | None]
    total: str
    ideal_total: str


def _query(method: str, base: str, floor: str, locks: dict[tuple[str, int, str], Decimal]) -> str:
    pairs = [("method", method), ("base", base), ("floor", floor)]
    pairs += [("lock", lock_text(key, value)) for key, value in locks.items()]
    return "?" + urlencode(pairs)


@login_required
@require_safe
def decompose(request: HttpRequest, plan_id: int, number: str) -> HttpResponse:
    plan = _plan_or_404(plan_id)
    indicator = Indicator.objects.filter(plan=plan, number=number).first()
    if indicator is None:
        raise Http404(_("规划中没有序号为%(number)s的指标") % {"number": number})
    method = request.GET.get("method", Share.PROPORTIONAL.value)
    base_text = request.GET.get("base", "equal")
    floor_text = request.GET.get("floor", "0").strip() or "0"
    context: dict[str, object] = {
        "plan": plan,
        "indicator": indicator,
        "method": method,
        "methods": [
            (s.value, label)
            for s, label in zip(Share, (_("按基数同比例"), _("平均"), _("同比例与平均各半（低基数托底）")), strict=True)
        ],
        "base": base_text,
        "bases": [("equal", _("不用基数（平均）"))]
        + [(f"actual:{y}", _("%(year)s年审核通过的实际值") % {"year": y}) for y in base_years(indicator)],
        "floor": floor_text,
        "units": list(plan.plan_units.order_by("position").values_list("header_name", flat=True)),
        "plan_years": list(plan.years),
    }
    try:
        if method not in {s.value for s in Share}:
            raise DecompositionInputError(_("“%(text)s”不是分解方法") % {"text": method[:20]})
        typed = [request.GET.get(f"lock_{part}", "").strip() for part in ("unit", "year", "level", "value")]
        extra = [f"{typed[0]}:{typed[1]}:{typed[2]}={typed[3]}"] if all(typed) else []
        # A value typed into the lock form joins the locks the address carries.
        locks = dict(parse_lock(text) for text in request.GET.getlist("lock") + extra)
        result = decomposition.decompose(
            plan,
            indicator,
            base=BaseChoice.parse(base_text),
            share=Share(method),
            floor=parse_floor(floor_text),
            locks=locks,
        )
    except DecompositionInputError as error:
        context["error"] = str(error)
        return render(request, "web/decompose.html", context, status=400)
    answer = result.answer
    context["locks"] = [
        (
            f"{u} {y}年 {Level(lv).label} = {format_decimal(v)}",
            lock_text((u, y, lv), v),  # as the address carries it
            _query(method, base_text, floor_text, {k: w for k, w in locks.items() if k != (u, y, lv)}),
        )
        for (u, y, lv), v in locks.items()
    ]
    if isinstance(answer, Infeasible):
        context["problems"] = [refusal_text(refusal) for refusal in answer.problems]
        return render(request, "web/decompose.html", context)
    context |= _grid(answer, method, base_text, floor_text, locks)
    context["findings"] = [finding.message for finding in result.findings]
    return render(request, "web/decompose.html", context)


def _grid(
    answer: Solution, method: str, base: str, floor: str, locks: dict[tuple[str, int, str], Decimal]
) -> dict[str, object]:
    years = sorted({cell.year for cell in answer.cells})
    by_key = {(c.unit, c.year, c.level): c for c in answer.cells}
    margins = {(m.key, m.level): m for m in answer.rows}
    rows: list[GridRow] = []
    for unit in dict.fromkeys(cell.unit for cell in answer.cells):
        for level in ("committed", "stretch"):
            cells: list[GridCell | None] = []
            for year in years:
                cell = by_key.get((unit, year, level))
                if cell is None:
                    cells.append(None)
                    continue
                key = (unit, year, level)
                toggled = {k: v for k, v in locks.items() if k != key} if key in locks else locks | {key: cell.value}
                cells.append(
                    GridCell(
                        value=format_decimal(cell.value),
                        tag=cell.tags[0].value if cell.tags else "",
                        explanation=cell.explanation(),
                        lock_query=_query(method, base, floor, toggled),
                        locked=key in locks,
                    )
                )
            if not any(cells):
                continue
            margin = margins.get((unit, level))
            rows.append(
                GridRow(
                    unit=unit,
                    level=Level(level).label,
                    cells=cells,
                    total=format_decimal(margin.value) if margin else "",
                    ideal_total=str(margin.ideal.quantize(Decimal("0.01"))) if margin else "",
                )
            )
    columns = [(m.key, Level(m.level).label, format_decimal(m.value)) for m in answer.columns]
    return {"years": years, "rows": rows, "columns": columns, "flow": bool(answer.divisors),
            "divisors": {Level(k).label: f"{float(v):.4f}" for k, v in answer.divisors.items()}}  # fmt: skip
