"""Any table of the cross-tab family, drawn either way round, reads back to the figures it was drawn from."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from mubiao.tables.grid import Grid, Merge
from mubiao.tables.understanding import understand

PLACES = ["安宜镇", "范水镇", "氾水镇", "柳东新区", "城中区", "鹿寨县", "东湖街道", "白马乡", "青山镇", "金石镇"]
INDICATORS = ["高新技术企业（家）", "技术合同成交额（万元）", "研发投入（万元）", "新增就业（人）", "专利授权（件）"]
LEVELS = ["确保", "力争"]


@st.composite
def tables(draw: st.DrawFn) -> dict:
    units = draw(st.lists(st.sampled_from(PLACES), min_size=2, max_size=6, unique=True))
    indicators = draw(st.lists(st.sampled_from(INDICATORS), min_size=1, max_size=4, unique=True))
    levels = LEVELS[: draw(st.integers(1, 2))]
    figures = {
        (indicator, unit, level): Decimal(draw(st.integers(0, 10_000))) / draw(st.sampled_from([1, 10, 100]))
        for indicator in indicators
        for unit in units
        for level in levels
    }
    return {
        "units": units,
        "indicators": indicators,
        "levels": levels,
        "figures": figures,
        "units_in_rows": draw(st.booleans()),
        "total": draw(st.sampled_from(["first", "last", "none"])),
        "merged": draw(st.booleans()),
        "spaced": draw(st.booleans()),
    }


def draw_grid(table: dict) -> Grid:
    """The table as an office might draw it: title, header band, a row or column per unit, the total."""
    units, indicators, levels, figures = table["units"], table["indicators"], table["levels"], table["figures"]
    names = [" ".join(unit) if table["spaced"] else unit for unit in units]
    totals = {
        (indicator, level): sum((figures[(indicator, unit, level)] for unit in units), Decimal(0))
        for indicator in indicators
        for level in levels
    }
    places: list[tuple[str, dict[tuple[str, str], Decimal]]] = [
        (name, {(i, lv): figures[(i, unit, lv)] for i in indicators for lv in levels})
        for name, unit in zip(names, units, strict=True)
    ]
    if table["total"] == "first":
        places.insert(0, ("合计", totals))
    elif table["total"] == "last":
        places.append(("合计", totals))
    two_rows = len(levels) == 2
    rows: list[list[str]] = [["某某市2021年目标任务分解表"]]
    merges: list[Merge] = []
    if table["units_in_rows"]:
        top = ["地区"]
        second = [""]
        for indicator in indicators:
            start = len(top)
            top += [indicator] + ([""] if two_rows else [])
            second += levels if two_rows else []
            if two_rows and table["merged"]:
                merges.append((1, start, 1, start + 1))
        rows.append(top)
        if two_rows:
            rows.append(second)
            if table["merged"]:
                merges.append((1, 0, 2, 0))
        for name, values in places:
            rows.append([name, *(str(values[(i, lv)]) for i in indicators for lv in levels)])
    else:
        top = ["指标名称"] + ([""] if two_rows else []) + [name for name, _ in places]
        rows.append(top)
        for indicator in indicators:
            for index, level in enumerate(levels):
                label = indicator if index == 0 or not table["merged"] else ""
                first = [label] + ([level] if two_rows else [])
                rows.append(first + [str(values[(indicator, level)]) for _, values in places])
            if two_rows and table["merged"]:
                merges.append((len(rows) - 2, 0, len(rows) - 1, 0))
    return Grid(source="drawn.xlsx", rows=rows, merges=merges if table["merged"] else [])


@settings(max_examples=150, deadline=None)
@given(tables())
def test_every_figure_of_a_drawn_table_reads_back_to_its_indicator_unit_and_level(table: dict) -> None:
    understanding = understand([draw_grid(table)], "drawn.xlsx", None, lambda name: False)

    assert understanding.problems == []
    reading = understanding.reading
    assert reading is not None
    assert understanding.layout == ("units_in_rows" if table["units_in_rows"] else "units_in_columns")
    names = {indicator.number: indicator.name for indicator in reading.indicators}
    read = {
        (names[v.indicator_number], v.unit, {"committed": "确保", "stretch": "力争"}[v.level]): v.value
        for v in reading.values
        if v.unit is not None
    }
    expected = {
        (indicator.split("（")[0], unit, level): value for (indicator, unit, level), value in table["figures"].items()
    }
    assert read == expected
    assert {v.year for v in reading.values} == {2021}
    assert understanding.unreconciled == []
    assert len(understanding.reconciliations) == (
        0 if table["total"] == "none" else len(table["indicators"]) * len(table["levels"])
    )
