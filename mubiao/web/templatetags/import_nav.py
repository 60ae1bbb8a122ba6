"""The top bar's 导入 link, shown to administrators only: `{% load import_nav %}{% may_import user as flag %}`."""

from __future__ import annotations

from typing import Any

from django import template

from mubiao.accounts.permissions import Action, can, grants_for

register = template.Library()


@register.simple_tag
def may_import(user: Any) -> bool:
    if user is None or not user.is_authenticated:
        return False
    return can(grants_for(user), Action.ADMINISTER)
