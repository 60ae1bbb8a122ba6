"""The signed-in user's roles for the top bar: `{% load mubiao_accounts %}{% user_roles user as roles %}`."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext as _

from mubiao.accounts.models import Role
from mubiao.accounts.services import role_label

register = template.Library()


@register.simple_tag
def user_roles(user: Any) -> str:
    """管理员 / 填报人（柳南）、审核人（市科技局）; empty for an anonymous visitor."""
    if user is None or not user.is_authenticated:
        return ""
    roles = Role.objects.filter(user_id=user.pk, is_active=True).select_related("org_unit", "department")
    labels = [role_label(role) for role in roles.order_by("id")]
    if not labels and user.is_superuser:
        labels = [_("管理员")]
    return "、".join(labels)
