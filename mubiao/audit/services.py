"""Writing audit records. Called by other services, inside their transaction, never on its own."""

from __future__ import annotations

import getpass
import json
from collections.abc import Iterable
from dataclasses import dataclass
from json.encoder import encode_basestring  # what json.dumps(…, ensure_ascii=False) escapes strings with
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import models
from django.utils import timezone

from mubiao.audit.models import AuditRecord, Door
from mubiao.db import db_datetime, insert_rows


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
    """The object's fields as JSON-safe values (Decimals and dates as text, binary left out, related ids listed)."""
    state: dict[str, Any] = {}
    for field in obj._meta.concrete_fields:
        if isinstance(field, models.BinaryField):
            continue
        value = getattr(obj, field.attname)
        state[field.attname] = value if value is None or isinstance(value, (bool, int, str)) else str(value)
    if obj.pk is not None:
        for relation in obj._meta.many_to_many:
            state[relation.name] = sorted(getattr(obj, relation.name).values_list("pk", flat=True))
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
    record = AuditRecord(
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
    record.save()
    return record


@dataclass(frozen=True)
class AuditEntry:
    """An audit record not yet written, for services that write many at once."""

    action: str
    object_type: str
    object_id: str
    object_repr: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    reason: str = ""


def audit_entry(
    *, action: str, obj: models.Model, before: dict[str, Any] | None, after: dict[str, Any] | None, reason: str = ""
) -> AuditEntry:
    return AuditEntry(action, obj._meta.label_lower, str(obj.pk), str(obj)[:300], before, after, reason)


def _json(state: dict[str, Any] | None) -> str | None:
    return None if state is None else json.dumps(state, ensure_ascii=False)


def _json_string(text: str | None) -> str:
    return "null" if text is None else encode_basestring(text)


def value_state_json(value: str | None, source: str | None) -> str:
    """The JSON of a stored value's state, {"value": …, "source": …}, as _json writes it, without a dict.

    An import of hundreds of thousands of values writes this once per value, so it is put together
    by hand (the strings escaped by the json module's own function) instead of by json.dumps.
    """
    return f'{{"value": {_json_string(value)}, "source": {_json_string(source)}}}'


#: An audit record not yet written, as plain column values with its states already JSON text:
#: (action, object_type, object_id, object_repr, before, after, reason). Services that write very
#: many records (an import's new values) produce these directly, as a stream.
AuditRow = tuple[str, str, str, str, str | None, str | None, str]

_ROW_COLUMNS = ("action", "object_type", "object_id", "object_repr", "before", "after", "reason")


def audit_row(entry: AuditEntry) -> AuditRow:
    return (
        entry.action,
        entry.object_type,
        entry.object_id,
        entry.object_repr,
        _json(entry.before),
        _json(entry.after),
        entry.reason,
    )


def audit_rows_write(*, actor: Actor, rows: Iterable[AuditRow]) -> int:
    """Write many records at once, all stamped with the same moment; `rows` may be a generator."""
    return insert_rows(AuditRecord, _ROW_COLUMNS, map(_fitted, rows), constants=_stamp(actor))


def _stamp(actor: Actor) -> dict[str, Any]:
    """The columns every record a write makes shares: when, who, through which door."""
    user = actor.user
    return {
        "at": db_datetime(AuditRecord, timezone.now()),
        "actor_id": user.pk if user is not None and user.is_authenticated else None,
        "actor_label": actor.label[:200],
        "door": actor.door,
    }


def audit_created_write(*, actor: Actor, object_type: str, reason: str, rows: Iterable[tuple[str, str, str]]) -> int:
    """Records of objects of one type created by one operation: (object_id, object_repr, after JSON) each.

    What every record shares — moment, actor, door, action, type, reason — is written once per batch,
    not escaped once per record: an import creates hundreds of thousands of values.
    """
    shared = {
        **_stamp(actor),
        "action": "create",
        "object_type": object_type,
        "before": None,
        "reason": reason,
    }
    fitted = ((pk, text if len(text) <= 300 else text[:300], after) for pk, text, after in rows)
    return insert_rows(AuditRecord, ("object_id", "object_repr", "after"), fitted, constants=shared)


def _fitted(row: AuditRow) -> AuditRow:
    """The row with its object_repr cut to the column's 300 characters (and the row itself when it fits)."""
    if len(row[3]) <= 300:
        return row
    return (row[0], row[1], row[2], row[3][:300], row[4], row[5], row[6])


def audit_entries_write(*, actor: Actor, entries: Iterable[AuditEntry]) -> int:
    """Write many entries at once, all stamped with the same moment; returns how many."""
    return audit_rows_write(actor=actor, rows=(audit_row(entry) for entry in entries))
