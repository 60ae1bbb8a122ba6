"""Writing org units. Every write is audited inside its own transaction."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from mubiao.audit.services import Actor, audit_entries_write, audit_entry, audit_record
from mubiao.domain.names import squash
from mubiao.orgunits.models import OrgUnit, OrgUnitAlias, OrgUnitKind


def _snapshot(unit: OrgUnit) -> dict[str, Any]:
    return {
        "name": unit.name,
        "short_name": unit.short_name,
        "code": unit.code,
        "kind": unit.kind,
        "parent": unit.parent_id,
        "position": unit.position,
    }


@transaction.atomic
def orgunit_create(
    *,
    name: str,
    short_name: str,
    kind: str,
    actor: Actor,
    parent: OrgUnit | None = None,
    code: str | None = None,
    position: int = 0,
    aliases: list[str] | None = None,
    reason: str = "",
) -> OrgUnit:
    if kind not in OrgUnitKind.values:
        raise ValueError(f"未知的单位类别“{kind}”")
    unit = OrgUnit(name=name, short_name=short_name, kind=kind, parent=parent, code=code or None, position=position)
    unit.full_clean()
    unit.save()
    audit_record(actor=actor, action="create", obj=unit, before=None, after=_snapshot(unit), reason=reason)
    for alias in aliases or []:
        orgunit_alias_add(unit=unit, alias=alias, actor=actor, reason=reason)
    return unit


def orgunit_check_new(unit: OrgUnit) -> None:
    """What orgunit_create checks of a new unit before writing it, short of the database's uniqueness.

    Its kind is a known one (ValueError), and its fields are valid (ValidationError). The checks
    that need the database — a unique code, a short name unique under its parent — are made for a
    whole batch at once by orgunits_create.
    """
    if unit.kind not in OrgUnitKind.values:
        raise ValueError(f"未知的单位类别“{unit.kind}”")
    unit.full_clean(exclude=["parent"], validate_unique=False, validate_constraints=False)


@transaction.atomic
def orgunits_create(*, units: Sequence[OrgUnit], actor: Actor, reason: str = "") -> list[OrgUnit]:
    """Create many new units at once, each checked as orgunit_create checks it and audited as it audits it.

    `units` are unsaved OrgUnit objects; a unit's parent may be another of them (an 'of which'
    unit under its whole), so they are written a level of the tree at a time, parents first, one
    INSERT per level; then one audit record each, in the order given. An import that brings an
    area's 3,000 townships needs a few statements instead of 3,000 units' worth of validation
    queries, savepoints and single inserts. Returns the units, saved.
    """
    units = list(units)
    if not units:
        return []
    for unit in units:
        if unit.pk is not None:
            raise ValueError(f"单位“{unit.name}”已经存在（编号 {unit.pk}）")
        orgunit_check_new(unit)
    _check_unique(units)
    remaining = units
    while remaining:
        ready = []
        for unit in remaining:
            parent = unit.parent  # the object given, cached: its id may have been assigned only now
            if parent is None or parent.pk is not None:
                unit.parent = parent
                ready.append(unit)
        if not ready:
            raise ValueError("单位的上级既不存在，也不在要创建的单位之中")
        OrgUnit.objects.bulk_create(ready)
        if any(unit.pk is None for unit in ready):  # every supported database returns the new ids
            raise RuntimeError("the database did not return the new units' ids")
        remaining = [unit for unit in remaining if unit.pk is None]
    audit_entries_write(
        actor=actor,
        entries=[
            audit_entry(action="create", obj=unit, before=None, after=_snapshot(unit), reason=reason) for unit in units
        ],
    )
    return units


def _check_unique(units: list[OrgUnit]) -> None:
    """The database's uniqueness rules for new units, checked among them and against the stored ones.

    A code is unique; a short name is unique under its parent. Refused as full_clean would refuse
    them, with a ValidationError naming the unit.
    """
    codes: dict[str, OrgUnit] = {}
    places: set[tuple[object, str]] = set()
    stored_parents: dict[int | None, list[str]] = {}  # parent id (None: a root) → new short names under it
    for unit in units:
        if unit.code:
            if unit.code in codes:
                raise ValidationError(
                    {"code": f"行政区划代码“{unit.code}”重复（{codes[unit.code].name}、{unit.name}）"}
                )
            codes[unit.code] = unit
        parent = unit.parent
        where: object = None if parent is None else (parent.pk if parent.pk is not None else id(parent))
        if (where, unit.short_name) in places:
            raise ValidationError({"short_name": f"同一上级下已有简称为“{unit.short_name}”的单位"})
        places.add((where, unit.short_name))
        if parent is None or parent.pk is not None:
            stored_parents.setdefault(None if parent is None else parent.pk, []).append(unit.short_name)
    for chunk in _chunks(sorted(codes), 500):
        taken = OrgUnit.objects.filter(code__in=chunk).values_list("code", flat=True).first()
        if taken is not None:
            raise ValidationError({"code": f"行政区划代码“{taken}”已被其他单位使用"})
    for parent_id, names in stored_parents.items():
        for chunk in _chunks(names, 500):
            clash = OrgUnit.objects.filter(parent_id=parent_id, short_name__in=chunk)
            first = clash.values_list("short_name", flat=True).first()
            if first is not None:
                raise ValidationError({"short_name": f"同一上级下已有简称为“{first}”的单位"})


def _chunks(items: list[str], size: int) -> list[list[str]]:
    return [items[start : start + size] for start in range(0, len(items), size)]


@transaction.atomic
def orgunit_alias_add(*, unit: OrgUnit, alias: str, actor: Actor, reason: str = "") -> OrgUnitAlias:
    record, created = OrgUnitAlias.objects.get_or_create(unit=unit, alias=alias.strip())
    if created:
        audit_record(
            actor=actor,
            action="create",
            obj=record,
            before=None,
            after={"alias": record.alias, "unit": unit.pk},
            reason=reason,
        )
    return record


def _same_unit(unit: OrgUnit, node: dict[str, Any]) -> bool:
    return squash(unit.name) == squash(node["name"]) or squash(unit.short_name) == squash(node["short_name"])


def _find_tree_node(node: dict[str, Any], above: OrgUnit | None) -> OrgUnit | None:
    """An existing unit for a node of a tree: by code, else by name under its parent, else a stray root.

    A stray root is an area an earlier import created from a table title before the directory
    was loaded; the directory then adopts it rather than creating a twin.
    """
    if node.get("code"):
        by_code = OrgUnit.objects.filter(code=node["code"]).first()
        if by_code:
            return by_code
    for unit in OrgUnit.objects.filter(parent=above):
        if _same_unit(unit, node):
            return unit
    if above is not None:
        for unit in OrgUnit.objects.filter(parent=None).exclude(pk=above.pk):
            if _same_unit(unit, node):
                return unit
    return None


@transaction.atomic
def orgunit_update(*, unit: OrgUnit, actor: Actor, reason: str = "", **changes: Any) -> OrgUnit:
    before = _snapshot(unit)
    for name, value in changes.items():
        setattr(unit, name, value)
    unit.full_clean()
    after = _snapshot(unit)
    if after != before:
        unit.save()
        audit_record(actor=actor, action="update", obj=unit, before=before, after=after, reason=reason)
    return unit


@transaction.atomic
def orgunit_tree_load(*, tree: dict[str, Any], actor: Actor, parent: OrgUnit | None = None) -> list[OrgUnit]:
    """Create the units of a tree that do not exist yet, and complete those that do.

    Loading the same tree twice changes nothing. Returns the units created.
    """
    created: list[OrgUnit] = []
    reason = "载入单位目录"

    def visit(node: dict[str, Any], above: OrgUnit | None, position: int) -> None:
        existing = _find_tree_node(node, above)
        if existing is None:
            existing = orgunit_create(
                name=node["name"],
                short_name=node["short_name"],
                kind=node["kind"],
                code=node.get("code"),
                parent=above,
                position=position,
                aliases=node.get("aliases", []),
                actor=actor,
                reason=reason,
            )
            created.append(existing)
        else:
            orgunit_update(
                unit=existing,
                actor=actor,
                reason=reason,
                name=node["name"],
                short_name=node["short_name"],
                kind=node["kind"],
                code=node.get("code") or existing.code,
                parent=above,
            )
            for alias in node.get("aliases", []):
                orgunit_alias_add(unit=existing, alias=alias, actor=actor, reason=reason)
        for index, child in enumerate(node.get("children", []), start=1):
            visit(child, existing, index)

    visit(tree, parent, 0)
    return created
