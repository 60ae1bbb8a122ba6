"""Writing audit records. Called by other services, inside their transaction, never on its own."""

from __future__ import annotations

import getpass
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import models

from mubiao.audit.models import AuditRecord, Door


@dataclass(frozen=True)
class Actor:
    """Who is acting and through which door; every service takes one."""

    door: str
    label: str
    user: AbstractBaseUser | AnonymousUser | None = None

    @classmethod
    def command_line(cls, door: str = Door.CLI) -> Actor:
        try:
            name = getpass.getuser()
        except (KeyError, OSError):
            name = "unknown"
        return cls(door=door, label=f"{name}（命令行）")

    @classmethod
    def for_user(cls, user: AbstractBaseUser | AnonymousUser, door: str) -> Actor:
        label = user.get_username() if user.is_authenticated else "匿名"
        return cls(door=door, label=label, user=user if user.is_authenticated else None)


def snapshot(obj: models.Model) -> dict[str, Any]:
    """The object's own fields as JSON-safe values (Decimals and dates as text; binary left out)."""
    state: dict[str, Any] = {}
    for field in obj._meta.concrete_fields:
        if isinstance(field, models.BinaryField):
            continue
        value = getattr(obj, field.attname)
        state[field.attname] = value if value is None or isinstance(value, (bool, int, str)) else str(value)
    return state


def audit_record(
    *,
    actor: Actor,
    action: str,
    obj: models.Model,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    reason: str = "",
) -> AuditRecord:
    record = build_audit_record(actor=actor, action=action, obj=obj, before=before, after=after, reason=reason)
    record.save()
    return record


def build_audit_record(
    *,
    actor: Actor,
    action: str,
    obj: models.Model,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    reason: str = "",
) -> AuditRecord:
    """An unsaved record, for services that write many at once with bulk_create."""
    return AuditRecord(
        actor=actor.user if actor.user is not None and actor.user.is_authenticated else None,  # type: ignore[misc]
        actor_label=actor.label[:200],
        door=actor.door,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_repr=str(obj)[:300],
        before=before,
        after=after,
        reason=reason,
    )
