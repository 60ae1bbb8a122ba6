"""Changes to users are audited whichever door made them: the accounts services, the admin's user
pages, `mubiao createsuperuser` and `changepassword`, a shell.

The accounts services write their own records (with their reasons) and mark those writes with
`recorded_by_caller()`; everything else is recorded here, with the actor the door set
(mubiao.audit.acting). Recorded: creation; changes of the name, email, active, staff and superuser
flags; a new password (as "changed", never the hash); group and permission grants. Signing in (the
last_login stamp) and the hash upgrade Django makes on sign-in are not changes worth a record.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Model
from django.db.models.signals import m2m_changed, post_save, pre_save

from mubiao.accounts.services import user_state
from mubiao.audit.acting import current_actor, is_recorded_by_caller
from mubiao.audit.services import audit_record

#: The columns whose change is recorded; the password only as "changed".
TRACKED = ("username", "first_name", "last_name", "email", "is_active", "is_staff", "is_superuser", "password")
#: Many-to-many grants of the user model that carry permissions.
GRANTS = ("groups", "user_permissions")
_GRANT_ACTIONS = {"pre_add", "pre_remove", "pre_clear", "post_add", "post_remove", "post_clear"}


def user_stored_remember(sender: type[Model], instance: Any, raw: bool, update_fields: Any, **kwargs: Any) -> None:
    """Before a user is saved: keep what the database holds of the tracked columns, to compare after."""
    instance.__dict__.pop("_audit_stored", None)
    if raw or instance.pk is None or is_recorded_by_caller():
        return
    if update_fields is not None and not set(update_fields) & set(TRACKED):
        return
    instance._audit_stored = sender._default_manager.filter(pk=instance.pk).values(*TRACKED).first()


def user_saved_record(
    sender: type[Model], instance: Any, created: bool, raw: bool, update_fields: Any, **kwargs: Any
) -> None:
    if raw or is_recorded_by_caller():
        return
    if created:
        audit_record(actor=current_actor(), action="create", obj=instance, before=None, after=user_state(instance))
        return
    stored = instance.__dict__.pop("_audit_stored", None)
    if stored is None:
        return
    saved = TRACKED if update_fields is None else [field for field in TRACKED if field in update_fields]
    changed = {field for field in saved if stored[field] != getattr(instance, field)}
    # Django re-hashes a password on sign-in when its hasher's settings changed; check_password clears
    # _password first ("hash upgrades shouldn't be considered password changes"), and saves that field alone.
    if "password" in changed and instance._password is None and set(update_fields or ()) == {"password"}:
        changed.discard("password")
    if not changed:
        return
    if changed == {"password"}:
        before, after, action = None, {"password": "changed"}, "password"
    else:
        before = user_state(sender(**stored))
        after = user_state(sender(**{**stored, **{field: getattr(instance, field) for field in saved}}))
        if "password" in changed:
            after["password"] = "changed"
        action = "update"
    audit_record(actor=current_actor(), action=action, obj=instance, before=before, after=after)


def _users_affected(instance: Any, reverse: bool, pk_set: set[Any] | None) -> list[Any]:
    if not reverse:
        return [instance]
    users = get_user_model()._default_manager
    # Group.user_set and Permission.user_set: the reverse side of both grants.
    return list(instance.user_set.all() if pk_set is None else users.filter(pk__in=pk_set))


def _grants_of(user: Any, field: str) -> list[str]:
    return sorted(str(granted) for granted in getattr(user, field).all())


def user_grants_record(
    sender: type[Model], instance: Any, action: str, reverse: bool, pk_set: set[Any] | None, **kwargs: Any
) -> None:
    """A group or a permission given to or taken from users, from either side of the relation."""
    if is_recorded_by_caller() or action not in _GRANT_ACTIONS:
        return
    field = next(name for name in GRANTS if getattr(get_user_model(), name).through is sender)
    if action.startswith("pre_"):
        users = _users_affected(instance, reverse, pk_set)
        instance.__dict__.setdefault("_audit_grants", {})[(field, action[4:])] = [
            (user, _grants_of(user, field)) for user in users
        ]
        return
    for user, before in instance.__dict__.get("_audit_grants", {}).pop((field, action[5:]), []):
        after = _grants_of(user, field)
        if after != before:
            audit_record(actor=current_actor(), action="grant", obj=user, before={field: before}, after={field: after})


def connect() -> None:
    User = get_user_model()
    pre_save.connect(user_stored_remember, sender=User, dispatch_uid="mubiao.accounts.user_stored_remember")
    post_save.connect(user_saved_record, sender=User, dispatch_uid="mubiao.accounts.user_saved_record")
    for field in GRANTS:
        m2m_changed.connect(
            user_grants_record,
            sender=getattr(User, field).through,
            dispatch_uid=f"mubiao.accounts.user_grants_record.{field}",
        )
