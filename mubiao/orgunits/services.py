"""Writing org units. Every write is audited inside its own transaction."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from mubiao.audit.services import Actor, audit_record
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
