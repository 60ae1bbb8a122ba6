"""The benchmark's table generator: reproducible, and read by the real reader like the seed."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from benchmarks.generate_table import build_table, generate
from mubiao.domain.milestones import infer_kind, parse_milestones
from mubiao.domain.numbers import looks_numeric, normalise_text
from mubiao.domain.readings import TableReading
from mubiao.domain.values import IndicatorKind
from mubiao.tables.grid import read_text_grid
from mubiao.tables.structure import read_table


def read(text: str) -> TableReading:
    return read_table(read_text_grid(text.encode("utf-8"), "generated.txt"))


def test_the_same_seed_gives_the_same_table_and_another_seed_another() -> None:
    assert generate(indicators=6, units=15, seed=7) == generate(indicators=6, units=15, seed=7)
    assert generate(indicators=6, units=15, seed=7) != generate(indicators=6, units=15, seed=8)


def test_unit_names_are_distinct_words_not_numbers_or_years() -> None:
    names = build_table(indicators=2, units=300).units
    assert len(set(names)) == 300
    assert not any(looks_numeric(name) or name[:1].isdigit() for name in names)


def test_the_hundredfold_table_reads_as_40_indicators_120_units_and_every_value() -> None:
    table = build_table(indicators=40, units=120, years=(2018, 2022))
    reading = read(table.text)

    assert len(reading.indicators) == 40
    assert len(reading.units) == 120
    assert [unit.name for unit in reading.units] == table.units
    expected = 40 * 5 * 2 * (120 + 1) - len(table.blank_cells)
    assert table.value_cells == expected
    assert len(reading.values) == expected
    assert (reading.area_name, reading.start_year, reading.end_year) == ("测试市", 2018, 2022)
    assert all(indicator.lead_departments for indicator in reading.indicators)
    # Compared folded: whether the reader keeps full-width brackets is the reader's business.
    responsible = {normalise_text(indicator.responsible_units) for indicator in reading.indicators}
    assert responsible == {normalise_text("各县（区）人民政府")}


def test_it_plants_faults_for_validation_to_find() -> None:
    table = build_table(indicators=12, units=20)
    assert table.mismatched_rows and table.stretch_below_committed and table.blank_cells and table.unmet_milestones
    reading = read(table.text)
    rows: dict[tuple[str, int, str], dict[str | None, Decimal]] = defaultdict(dict)
    for value in reading.values:
        rows[(value.indicator_number, value.year, value.level)][value.unit] = value.value

    def adds_up(number: int, year: int, level: str) -> bool:
        cells = rows[(str(number), year, level)]
        return sum((v for unit, v in cells.items() if unit is not None), Decimal(0)) == cells[None]

    levels = {"确保": "committed", "力争": "stretch"}
    for number, year, level in table.mismatched_rows:
        assert not adds_up(number, year, levels[level])
    for number, year, level, unit in table.blank_cells:
        assert unit not in rows[(str(number), year, levels[level])]
    for number, year, unit in table.stretch_below_committed:
        assert rows[(str(number), year, "stretch")][unit] < rows[(str(number), year, "committed")][unit]
    planted = {(n, y, levels[lv]) for n, y, lv in table.mismatched_rows} | {
        (n, y, levels[lv]) for n, y, lv, _ in table.blank_cells
    }
    untouched = [key for key in rows if (int(key[0]), key[1], key[2]) not in planted]
    assert all(adds_up(int(number), year, level) for number, year, level in untouched)


def test_goal_texts_carry_milestones_and_alternate_flow_and_stock() -> None:
    reading = read(generate(indicators=4, units=12))
    kinds = [infer_kind(indicator.goal_text, indicator.name) for indicator in reading.indicators]
    assert kinds == [IndicatorKind.FLOW, IndicatorKind.STOCK, IndicatorKind.FLOW, IndicatorKind.STOCK]
    for indicator in reading.indicators:
        milestones = parse_milestones(indicator.goal_text)
        assert [(m.year, m.level.value) for m in milestones] == [
            (2020, "committed"),
            (2020, "stretch"),
            (2022, "committed"),
            (2022, "stretch"),
        ]
