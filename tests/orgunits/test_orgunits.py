import json

import pytest

from mubiao.audit.models import AuditRecord
from mubiao.orgunits.models import OrgUnit
from mubiao.orgunits.selectors import area_find, unit_resolver
from mubiao.orgunits.services import orgunit_tree_load
from mubiao.reporting.importing import import_table
from tests.conftest import LIUZHOU_UNITS, SEED_PATH

pytestmark = pytest.mark.django_db


def liuzhou_tree() -> dict:
    return json.loads(LIUZHOU_UNITS.read_text(encoding="utf-8"))


def test_the_liuzhou_directory_gives_the_city_and_its_twelve_units_with_codes(liuzhou: OrgUnit) -> None:
    children = list(liuzhou.children.order_by("position"))

    assert (liuzhou.name, liuzhou.code, liuzhou.parent.name) == ("柳州市", "450200", "广西壮族自治区")
    assert [c.short_name for c in children] == [
        "柳东",
        "北部",
        "鱼峰",
        "柳南",
        "柳北",
        "城中",
        "鹿寨",
        "柳城",
        "柳江",
        "融安",
        "融水",
        "三江",
    ]
    assert (children[10].name, children[10].code, children[10].kind) == (
        "融水苗族自治县",
        "450225",
        "autonomous_county",
    )
    assert (children[0].code, children[0].kind) == (None, "zone")


def test_loading_the_directory_twice_changes_nothing(liuzhou: OrgUnit, actor) -> None:
    records = AuditRecord.objects.count()

    assert orgunit_tree_load(tree=liuzhou_tree(), actor=actor) == []
    assert OrgUnit.objects.count() == 14
    assert AuditRecord.objects.count() == records


def test_names_match_by_short_name_full_name_alias_and_with_inner_spaces(liuzhou: OrgUnit) -> None:
    resolver = unit_resolver(liuzhou)

    assert resolver.match("柳南").name == "柳南区"
    assert resolver.match("柳 南 区").short_name == "柳南"
    assert resolver.match("阳和工业新区").short_name == "北部"
    assert resolver.match("柳东新区（高新区）").short_name == "柳东"
    assert resolver.match("柳男") is None
    assert resolver.suggestions("鹿债") == ["鹿寨"]
    assert "柳南" in resolver.suggestions("柳男")


def test_an_area_is_found_by_name_or_short_name(liuzhou: OrgUnit) -> None:
    assert area_find("柳州市") == liuzhou
    assert area_find("柳州") == liuzhou
    assert area_find("南宁市") is None


@pytest.mark.usefixtures("empty_register")
def test_the_directory_adopts_an_area_an_earlier_import_created_instead_of_making_a_twin(actor) -> None:
    outcome = import_table(content=SEED_PATH.read_bytes(), filename=SEED_PATH.name, actor=actor)
    assert outcome.plan.area.code is None and outcome.plan.area.parent is None

    orgunit_tree_load(tree=liuzhou_tree(), actor=actor)

    area = OrgUnit.objects.get(pk=outcome.plan.area.pk)
    assert (area.code, area.parent.name) == ("450200", "广西壮族自治区")
    assert OrgUnit.objects.filter(name="柳州市").count() == 1
    assert OrgUnit.objects.get(short_name="融水").name == "融水苗族自治县"
