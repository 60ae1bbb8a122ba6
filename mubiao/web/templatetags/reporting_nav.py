"""The top bar's reporting links: 填报 for reporters, 审核 for reviewers and administrators.

`{% load reporting_nav %}{% reporting_nav user as nav %}` then `nav.report`, `nav.review`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import template

from mubiao.accounts.permissions import grants_for

register = template.Library()


@dataclass(frozen=True)
class ReportingNav:
    report: bool = False
    review: bool = False


@register.simple_tag
def reporting_nav(user: Any) -> ReportingNav:
    if user is None or not user.is_authenticated:
        return ReportingNav()
    grants = grants_for(user)
    return ReportingNav(report=bool(grants.reporter_units), review=grants.is_admin or bool(grants.reviewer_departments))
