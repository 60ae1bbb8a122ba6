"""Signing in and out, the lockout page, and "my account" (roles, API token, password)."""

from __future__ import annotations

import math
from typing import Any

from axes.helpers import get_client_ip_address, get_client_username, get_cool_off
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from mubiao.accounts.models import Role, RoleKind
from mubiao.accounts.services import AccountError, role_label, token_issue
from mubiao.audit.acting import recorded_by_caller
from mubiao.audit.models import Door
from mubiao.audit.services import Actor, audit_record

#: What each role allows, in a sentence for the account page.
ROLE_MEANING = {
    RoleKind.ADMIN: gettext_lazy("管理账号、规划与期间，可解锁已通过的数据"),
    RoleKind.REVIEWER: gettext_lazy("审核本部门牵头指标的上报数据：通过或退回"),
    RoleKind.REPORTER: gettext_lazy("填报并提交本单位及下属单位的数据"),
    RoleKind.VIEWER: gettext_lazy("查看全部数据，包括未审核的，不能修改"),
}


def lockout_minutes(request: HttpRequest | None = None) -> int:
    cool_off = get_cool_off(request)
    return math.ceil(cool_off.total_seconds() / 60) if cool_off else 0


class LoginForm(AuthenticationForm):
    """Django's sign-in form, with a message that says what happens after repeated failures."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": gettext_lazy(
            "用户名或密码不正确。同一账号从同一地址连续输错 %(limit)s 次，将暂停登录 %(minutes)s 分钟。"
        ),
        "inactive": gettext_lazy("此账号已停用，请联系管理员。"),
    }

    def get_invalid_login_error(self) -> forms.ValidationError:
        return forms.ValidationError(
            self.error_messages["invalid_login"],
            code="invalid_login",
            params={"limit": settings.AXES_FAILURE_LIMIT, "minutes": lockout_minutes(self.request)},
        )


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    """Sign out by POST only (Django's rule: a link could be followed by anyone's page)."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().post(request, *args, **kwargs)
        messages.info(request, _("已退出登录。"))
        return response


def locked_out(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: dict[str, Any] | None = None
) -> HttpResponse:
    """What django-axes answers once an account is locked out from one address (AXES_LOCKOUT_CALLABLE).

    The lockout holds for that username from that address only (AXES_LOCKOUT_PARAMETERS), and the page
    says so: other people behind the same address, and the same person elsewhere, can still sign in.
    """
    context = {
        "username": get_client_username(request, credentials) or "",
        "ip_address": getattr(request, "axes_ip_address", None) or get_client_ip_address(request) or "",
        "minutes": lockout_minutes(request),
        "limit": settings.AXES_FAILURE_LIMIT,
    }
    response = render(request, "registration/locked_out.html", context, status=429)
    response["Retry-After"] = str(context["minutes"] * 60)
    return response


def _account_context(request: HttpRequest) -> dict[str, Any]:
    user: Any = request.user
    roles = list(Role.objects.filter(user=user, is_active=True).select_related("org_unit", "department").order_by("id"))
    return {
        "roles": [
            {"label": role_label(role), "kind": role.get_kind_display(), "meaning": ROLE_MEANING[RoleKind(role.kind)]}
            for role in roles
        ],
        "is_superuser_only": user.is_superuser and not any(role.kind == RoleKind.ADMIN for role in roles),
        "has_token": hasattr(user, "auth_token"),
    }


@never_cache
@login_required
def account(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/account.html", _account_context(request))


@never_cache
@login_required
@require_POST
def account_token(request: HttpRequest) -> HttpResponse:
    """Issue a new API token and show it on this one response only; the old one stops working."""
    context: dict[str, Any] = {}
    try:
        context["token"] = token_issue(actor=Actor.for_user(request.user, Door.WEB), user=request.user)
    except AccountError as error:
        context["error"] = str(error)
    context.update(_account_context(request))
    return render(request, "accounts/account.html", context, status=400 if "error" in context else 200)


class PasswordChangeView(auth_views.PasswordChangeView):
    """Change one's own password (old one first), keeping the session; recorded in the audit log."""

    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("account")

    def form_valid(self, form: Any) -> HttpResponse:
        with transaction.atomic():
            with recorded_by_caller():  # just below, by this view
                response = super().form_valid(form)
            audit_record(
                actor=Actor.for_user(self.request.user, Door.WEB),
                action="password",
                obj=form.user,
                before=None,
                after={"password": "changed"},
            )
        messages.success(self.request, _("密码已修改。"))
        return response
