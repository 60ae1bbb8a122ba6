"""Writing accounts: create and disable users, grant and revoke roles, issue API tokens. All audited.

Every service takes the Actor and writes its audit records in its own transaction. Passwords and
tokens never reach the audit log. Nothing is deleted: a user is disabled, a role made inactive
(an old API token is the one exception: a credential that was replaced is useless and is dropped).

Who may call them: an administrator (the ADMINISTER action) through any door; the person at the
server's command line, who already holds the database; and any active user for their own token.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token

from mubiao.accounts.models import Role, RoleKind
from mubiao.accounts.permissions import Action, require
from mubiao.audit.acting import acting_as, recorded_by_caller
from mubiao.audit.models import Door
from mubiao.audit.services import Actor, audit_record, snapshot
from mubiao.domain.names import closest
from mubiao.orgunits.models import Department, OrgUnit
from mubiao.orgunits.selectors import area_find, units_named

#: A role as people write it: its kind and the name of its scope (a unit, a department) or None.
RoleSpec = tuple[str, str | None]

#: The kinds as people may write them on the command line: the codes and the Chinese names.
_KIND_NAMES = {
    **{kind.value: kind.value for kind in RoleKind},
    "管理员": RoleKind.ADMIN.value,
    "审核人": RoleKind.REVIEWER.value,
    "填报人": RoleKind.REPORTER.value,
    "查看人": RoleKind.VIEWER.value,
}

#: Generated passwords: letters and digits that cannot be misread (no 0/O, 1/l/I).
_PASSWORD_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789"
GENERATED_PASSWORD_LENGTH = 16


class AccountError(Exception):
    """A refused account change; str(e) is a sentence for the person who asked."""


@dataclass(frozen=True)
class Scope:
    """A role's resolved scope."""

    org_unit: OrgUnit | None = None
    department: Department | None = None


def password_generate(username: str = "") -> str:
    """A random password that passes the site's password rules."""
    probe = get_user_model()(username=username)
    while True:
        password = "".join(secrets.choice(_PASSWORD_ALPHABET) for _position in range(GENERATED_PASSWORD_LENGTH))
        try:
            password_validation.validate_password(password, user=probe)
        except ValidationError:
            continue
        return password


def _password_rule_broken(error: ValidationError) -> str:
    # Django's Chinese catalogue lacks some of these messages (the minimum length among them): say them here.
    params = error.params or {}
    rules = {
        "password_too_short": _("至少 %(min_length)s 位") % {"min_length": params.get("min_length", "")},
        "password_too_common": _("太常见，容易被猜中"),
        "password_entirely_numeric": _("不能全是数字"),
        "password_too_similar": _("与用户名、姓名或邮箱太相似"),
    }
    return rules.get(error.code or "", " ".join(error.messages))


def password_check(password: str, user: Any) -> None:
    """Refuse a password that breaks the site's rules (AUTH_PASSWORD_VALIDATORS), saying every rule it breaks."""
    try:
        password_validation.validate_password(password, user=user)
    except ValidationError as error:
        broken = "；".join(_password_rule_broken(e) for e in error.error_list)
        raise AccountError(_("密码不符合要求：%(why)s") % {"why": broken}) from error


def role_kind_parse(text: str) -> str:
    kind = _KIND_NAMES.get(text.strip().lower()) or _KIND_NAMES.get(text.strip())
    if kind is None:
        raise AccountError(
            _("未知角色“%(kind)s”：可用 admin（管理员）、reviewer（审核人）、reporter（填报人）、viewer（查看人）")
            % {"kind": text}
        )
    return kind


def role_spec_parse(text: str) -> RoleSpec:
    """`reporter:柳南` → ("reporter", "柳南"); `viewer` → ("viewer", None). A full-width colon is fine too."""
    kind, _colon, scope = text.replace("：", ":").partition(":")
    return role_kind_parse(kind), (scope.strip() or None)


def scope_resolve(kind: str, scope: str | None) -> Scope:
    """The org unit of a reporter, the department of a reviewer; none for an administrator or a viewer."""
    kind = role_kind_parse(kind)
    label = RoleKind(kind).label
    if kind in (RoleKind.ADMIN, RoleKind.VIEWER):
        if scope:
            raise AccountError(_("%(role)s不限定范围，请去掉“:%(scope)s”") % {"role": label, "scope": scope})
        return Scope()
    if not scope:
        example = "reporter:柳南" if kind == RoleKind.REPORTER else "reviewer:市科技局"
        raise AccountError(_("%(role)s须指定范围，例如 %(example)s") % {"role": label, "example": example})
    if kind == RoleKind.REPORTER:
        meant = units_named(scope)
        if len(meant) > 1:
            raise AccountError(
                _("“%(name)s”可指多个单位：%(units)s；请写单位全称") % {"name": scope, "units": _units_listed(meant)}
            )
        unit = meant[0] if meant else area_find(scope)
        if unit is None:
            raise AccountError(
                _("找不到单位“%(name)s”") % {"name": scope}
                + _suggest(scope, list(OrgUnit.objects.values_list("short_name", flat=True)))
            )
        return Scope(org_unit=unit)
    department = Department.objects.filter(name=scope.strip()).first()
    if department is None:
        raise AccountError(
            _("找不到部门“%(name)s”") % {"name": scope}
            + _suggest(scope, list(Department.objects.values_list("name", flat=True)))
        )
    return Scope(department=department)


def _units_listed(units: list[OrgUnit]) -> str:
    return "、".join(f"{unit.parent.name}{unit.name}" if unit.parent else unit.name for unit in units)


def _suggest(name: str, candidates: list[str]) -> str:
    near = closest(name, [c for c in candidates if c])
    return _("，是否指“%(names)s”？") % {"names": "”或“".join(near)} if near else ""


def role_label(role: Role) -> str:
    """管理员 · 填报人（柳南） · 审核人（市科技局）."""
    scope = role.org_unit.short_name if role.org_unit else (role.department.name if role.department else "")
    label = str(role.get_kind_display())
    return f"{label}（{scope}）" if scope else label


def user_state(user: Any) -> dict[str, Any]:
    """What the audit log keeps of a user: never the password hash."""
    return {
        "username": user.get_username(),
        "full_name": user.get_full_name(),
        "email": user.email,
        "is_active": user.is_active,
        "is_staff": user.is_staff,
        "is_superuser": user.is_superuser,
    }


def _require_administrator(actor: Actor, obj: Any) -> None:
    # The command line runs on the server with the database's credentials: its operator is trusted.
    if actor.user is None and actor.door in (Door.CLI, Door.SYSTEM):
        return
    require(actor, Action.ADMINISTER, obj=obj)


def staff_sync(*, actor: Actor, user: Any) -> None:
    """An administrator role opens the admin site; losing the last one closes it.

    The change of the staff and superuser flags is recorded by mubiao.accounts.signals, as `actor`'s.
    """
    is_admin = Role.objects.filter(user=user, kind=RoleKind.ADMIN, is_active=True).exists()
    if (user.is_staff, user.is_superuser) != (is_admin, is_admin):
        user.is_staff = user.is_superuser = is_admin
        with acting_as(actor):
            user.save(update_fields=["is_staff", "is_superuser"])


def user_create(
    *,
    actor: Actor,
    username: str,
    password: str,
    full_name: str = "",
    email: str = "",
    roles: Iterable[RoleSpec] = (),
) -> AbstractUser:
    """A new active user with its roles. The password must pass the site's rules; the name must be new."""
    _require_administrator(actor, actor.user)
    User = get_user_model()
    username = username.strip()
    if not username:
        raise AccountError(_("用户名不能为空"))
    if User.objects.filter(username__iexact=username).exists():
        raise AccountError(_("用户名“%(name)s”已存在") % {"name": username})
    specs = [(role_kind_parse(kind), scope) for kind, scope in roles]
    scopes = [(kind, scope_resolve(kind, scope)) for kind, scope in specs]
    if len(set(specs)) != len(specs):
        raise AccountError(_("同一角色指定了两次"))
    probe = User(username=username, email=email, first_name=full_name)
    password_check(password, probe)
    with transaction.atomic():
        with recorded_by_caller():  # just below, with this service's actor
            user = User.objects.create_user(username=username, email=email, password=password, first_name=full_name)
        audit_record(actor=actor, action="create", obj=user, before=None, after=user_state(user))
        for kind, scope in scopes:
            _role_add(actor=actor, user=user, kind=kind, scope=scope)
        staff_sync(actor=actor, user=user)
    return user


def _role_add(*, actor: Actor, user: Any, kind: str, scope: Scope, reason: str = "") -> Role:
    role = Role.objects.create(user=user, kind=kind, org_unit=scope.org_unit, department=scope.department)
    audit_record(actor=actor, action="create", obj=role, before=None, after=snapshot(role), reason=reason)
    return role


def user_disable(*, actor: Actor, user: Any, reason: str) -> AbstractUser:
    """Disable a user and every role they hold; the account and its history stay."""
    _require_administrator(actor, user)
    if not reason.strip():
        raise AccountError(_("停用账号须说明原因"))
    with transaction.atomic():
        user = get_user_model().objects.select_for_update().get(pk=user.pk)
        if not user.is_active:
            raise AccountError(_("账号“%(name)s”已停用") % {"name": user.get_username()})
        before = user_state(user)
        user.is_active = False
        with recorded_by_caller():  # just below, with the reason
            user.save(update_fields=["is_active"])
        audit_record(actor=actor, action="disable", obj=user, before=before, after=user_state(user), reason=reason)
        for role in Role.objects.filter(user=user, is_active=True):
            _role_deactivate(actor=actor, role=role, reason=reason)
    return user


def _role_deactivate(*, actor: Actor, role: Role, reason: str) -> None:
    before = snapshot(role)
    role.is_active = False
    role.save(update_fields=["is_active"])
    audit_record(actor=actor, action="revoke", obj=role, before=before, after=snapshot(role), reason=reason)


def role_grant(*, actor: Actor, user: Any, kind: str, scope: str | None = None, reason: str = "") -> Role:
    """Give a user a role (reactivating it if it was revoked before); holding it already is refused."""
    _require_administrator(actor, user)
    kind = role_kind_parse(kind)
    resolved = scope_resolve(kind, scope)
    with transaction.atomic():
        user = get_user_model().objects.select_for_update().get(pk=user.pk)
        if not user.is_active:
            raise AccountError(_("账号“%(name)s”已停用，不能授予角色") % {"name": user.get_username()})
        # Looked up by hand: the unique constraint does not see two rows with empty scopes as equal.
        existing = (
            Role.objects.select_for_update()
            .filter(user=user, kind=kind, org_unit=resolved.org_unit, department=resolved.department)
            .first()
        )
        if existing is not None and existing.is_active:
            held = {"name": user.get_username(), "role": role_label(existing)}
            raise AccountError(_("“%(name)s”已有角色%(role)s") % held)
        if existing is not None:
            before = snapshot(existing)
            existing.is_active = True
            existing.save(update_fields=["is_active"])
            after = snapshot(existing)
            audit_record(actor=actor, action="grant", obj=existing, before=before, after=after, reason=reason)
            role = existing
        else:
            role = _role_add(actor=actor, user=user, kind=kind, scope=resolved, reason=reason)
        staff_sync(actor=actor, user=user)
    return role


def role_revoke(*, actor: Actor, role: Role, reason: str = "") -> Role:
    """Make a role inactive; the row stays, with its history."""
    _require_administrator(actor, role.user)
    with transaction.atomic():
        role = Role.objects.select_for_update().select_related("user").get(pk=role.pk)
        if not role.is_active:
            raise AccountError(_("角色%(role)s已撤销") % {"role": role_label(role)})
        _role_deactivate(actor=actor, role=role, reason=reason)
        staff_sync(actor=actor, user=role.user)
    return role


def token_issue(*, actor: Actor, user: Any) -> str:
    """A new API token for the user, replacing any old one. Returned once; the audit log never sees it."""
    if actor.user is None or actor.user.pk != user.pk:
        _require_administrator(actor, user)
    with transaction.atomic():
        user = get_user_model().objects.select_for_update().get(pk=user.pk)
        if not user.is_active:
            raise AccountError(_("账号“%(name)s”已停用，不能签发令牌") % {"name": user.get_username()})
        replaced = Token.objects.filter(user=user).delete()[0] > 0
        token = Token.objects.create(user=user)
        audit_record(
            actor=actor,
            action="token",
            obj=user,
            before={"token": "replaced" if replaced else "none"},
            after={"token": "issued"},
        )
    return str(token.key)
