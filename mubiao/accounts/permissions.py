"""The one permission layer of every door: who may do what to which unit's figures.

`grants_for(user)` reads a user's roles once; `can(grants, action, …)` is a pure decision on plain
values (tested as a matrix); `require(…)` is what services call: it refuses with PermissionDenied and
records the refusal as a security event in the audit log, committed even though the refused work is not.

The read side is the same rule turned into a scope: `pending_scope(grants)` says, on plain ids, which
figures not yet approved the grants may see — exactly those `can(grants, Action.VIEW_PENDING, …)` allows —
so that `ActualValue.objects.visible_to(viewer)` can filter in the database instead of row by row.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import TypeAlias

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.utils.translation import gettext_lazy

from mubiao.accounts.models import Role, RoleKind
from mubiao.audit.models import Door
from mubiao.audit.services import Actor, audit_record
from mubiao.orgunits.selectors import descendants


class Action(StrEnum):
    """What a user may want to do."""

    VIEW = "view"  # approved figures, plans, progress, bulletins
    VIEW_PENDING = "view_pending"  # figures not yet approved (draft, submitted, returned)
    ENTER = "enter"  # enter or correct a unit's figure, save it as a draft
    SUBMIT = "submit"  # send a unit's figure to review
    REVIEW = "review"  # approve, or return with a reason
    UNLOCK = "unlock"  # reopen an approved figure
    ADMINISTER = "administer"  # users, plans, periods

    @property
    def label(self) -> str:
        return {
            "view": "查看",
            "view_pending": "查看未审核数据",
            "enter": "填报",
            "submit": "提交",
            "review": "审核",
            "unlock": "解锁",
            "administer": "管理",
        }[self.value]


#: A refusal in the reader's language; the audit log keeps its Chinese (`无权` + the action's label).
NOT_ALLOWED = {
    "view": gettext_lazy("无权查看"),
    "view_pending": gettext_lazy("无权查看未审核数据"),
    "enter": gettext_lazy("无权填报"),
    "submit": gettext_lazy("无权提交"),
    "review": gettext_lazy("无权审核"),
    "unlock": gettext_lazy("无权解锁"),
    "administer": gettext_lazy("无权管理"),
}


@dataclass(frozen=True)
class Grants:
    """What one user holds: plain ids, so decisions need no database."""

    is_admin: bool = False
    is_viewer: bool = False
    reporter_units: frozenset[int] = frozenset()  # the units of the reporter's scope, subtrees included
    reviewer_departments: frozenset[int] = frozenset()

    @property
    def has_any_role(self) -> bool:
        return self.is_admin or self.is_viewer or bool(self.reporter_units) or bool(self.reviewer_departments)


NO_GRANTS = Grants()

#: The command line is the operator of the installation — whoever may run `mubiao` can read the database
#: itself — so its reads are an administrator's. Commands pass it where a page would pass `request.user`.
OPERATOR = Grants(is_admin=True)

#: Whoever is reading: a user (anonymous included), no one (None, the same as anonymous), or grants
#: already worked out (OPERATOR for the command line).
Viewer: TypeAlias = AbstractBaseUser | AnonymousUser | Grants | None


def grants_for(user: AbstractBaseUser | AnonymousUser | None) -> Grants:
    if user is None or not user.is_authenticated or not user.is_active:
        return NO_GRANTS
    roles = list(Role.objects.filter(user_id=user.pk, is_active=True).select_related("org_unit"))
    units: set[int] = set()
    for role in roles:
        if role.kind == RoleKind.REPORTER and role.org_unit is not None:
            units.add(role.org_unit.pk)
            units.update(unit.pk for unit in descendants(role.org_unit))
    return Grants(
        is_admin=getattr(user, "is_superuser", False) or any(r.kind == RoleKind.ADMIN for r in roles),
        is_viewer=any(r.kind == RoleKind.VIEWER for r in roles),
        reporter_units=frozenset(units),
        reviewer_departments=frozenset(
            r.department_id for r in roles if r.kind == RoleKind.REVIEWER and r.department_id
        ),
    )


def can(
    grants: Grants,
    action: Action,
    *,
    org_unit_id: int | None = None,
    lead_department_ids: Iterable[int] = (),
) -> bool:
    """Whether the grants allow the action on a unit's figure of an indicator led by those departments."""
    if grants.is_admin:
        return True
    if action is Action.VIEW:
        return True  # approved figures are the record: anyone on the intranet may read them
    in_scope = org_unit_id is not None and org_unit_id in grants.reporter_units
    reviews = bool(grants.reviewer_departments & set(lead_department_ids))
    if action is Action.VIEW_PENDING:
        return grants.is_viewer or in_scope or reviews
    if action in (Action.ENTER, Action.SUBMIT):
        return in_scope
    if action is Action.REVIEW:
        return reviews
    return False  # UNLOCK and ADMINISTER are the administrator's


def actor_grants(actor: Actor) -> Grants:
    """What an actor may do: the command line, run by the installation's operator, holds OPERATOR;
    anyone else holds their user's roles."""
    if actor.door == Door.CLI and actor.user is None:
        return OPERATOR
    return grants_for(actor.user)


def grants_of(viewer: Viewer) -> Grants:
    """The grants of whoever is reading: given as they are, or read from the user's roles."""
    return viewer if isinstance(viewer, Grants) else grants_for(viewer)


@dataclass(frozen=True)
class PendingScope:
    """Which figures not yet approved (draft, submitted, returned) a reader may see, on plain ids:
    every one, or those of these org units and those of the indicators these departments lead."""

    everything: bool = False
    org_unit_ids: frozenset[int] = frozenset()
    lead_department_ids: frozenset[int] = frozenset()

    @property
    def nothing(self) -> bool:
        return not (self.everything or self.org_unit_ids or self.lead_department_ids)


def pending_scope(grants: Grants) -> PendingScope:
    """`can(grants, Action.VIEW_PENDING, …)` as a scope: administrators and viewers see every pending figure,
    a reporter those of the units of their scope, a reviewer those of the indicators their departments lead,
    anyone else (anonymous included) none."""
    if grants.is_admin or grants.is_viewer:
        return PendingScope(everything=True)
    return PendingScope(org_unit_ids=grants.reporter_units, lead_department_ids=grants.reviewer_departments)


def require(
    actor: Actor,
    action: Action,
    *,
    obj: models.Model | None = None,
    org_unit_id: int | None = None,
    lead_department_ids: Iterable[int] = (),
    grants: Grants | None = None,
) -> None:
    """Refuse with PermissionDenied unless allowed; a refusal is recorded as a security event.

    Call it before the work's transaction begins, so the record is not rolled back with the work.
    """
    held = grants if grants is not None else grants_for(actor.user)
    departments = list(lead_department_ids)
    if can(held, action, org_unit_id=org_unit_id, lead_department_ids=departments):
        return
    message = f"无权{action.label}"
    if obj is not None:
        with transaction.atomic():
            audit_record(
                actor=actor,
                action="denied",
                obj=obj,
                before=None,
                after={"action": action.value, "org_unit": org_unit_id, "departments": departments},
                reason=message,
            )
    raise PermissionDenied(str(NOT_ALLOWED[action.value]))
