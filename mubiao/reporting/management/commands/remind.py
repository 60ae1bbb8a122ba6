"""mubiao remind [--plan P] [--today YYYY-MM-DD]: email every reporter what their units owe.

One message per reporter (however many units they report for), listing the figures that are
overdue or were returned; reporters owing nothing get no mail. Mail goes through Django's mail
settings: printed to the console in development, SMTP in a deployment. Run it daily from cron.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.core.management.base import CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from mubiao.accounts.models import Role, RoleKind
from mubiao.commands import MubiaoCommand, fail
from mubiao.plans.models import Plan
from mubiao.plans.selectors import PlanNotFound, plan_get
from mubiao.reporting.due import DueItem, due_items

#: How many items a message lists before it says how many more there are.
LISTED = 100


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as error:
        raise ValueError(f"“{text}”不是日期（应为 YYYY-MM-DD）") from error


def message_for(items: list[DueItem], today: date) -> tuple[str, str]:
    """The subject and body of one reporter's reminder."""
    overdue = [item for item in items if item.state == "overdue"]
    returned = [item for item in items if item.state == "returned"]
    subject = _("【目标任务填报提醒】逾期%(overdue)s项，退回待修改%(returned)s项") % {
        "overdue": len(overdue),
        "returned": len(returned),
    }
    lines = [_("截至%(today)s，您负责填报的数据中：") % {"today": today.isoformat()}, ""]
    for title, group in ((_("已退回，请修改后重新提交"), returned), (_("已逾期，请尽快填报"), overdue)):
        if not group:
            continue
        lines.append(f"{title}（{len(group)}）：")
        for item in group[:LISTED]:
            line = f"  · {item.indicator_number}. {item.indicator} · {item.unit} · {item.period}"
            line += _("（截止%(deadline)s）") % {"deadline": item.deadline.isoformat()}
            if item.return_reason:
                line += _("，退回原因：%(reason)s") % {"reason": item.return_reason}
            lines.append(line)
        if len(group) > LISTED:
            lines.append(_("  …… 另有%(more)s项") % {"more": len(group) - LISTED})
        lines.append("")
    lines.append(_("请登录系统查看并处理。此邮件由系统自动发送。"))
    return subject, "\n".join(lines)


class Command(MubiaoCommand):
    help = "给每位填报人发邮件，提醒其单位逾期未报和被退回的数据。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--plan", help="规划编号或名称（默认：全部规划）")
        parser.add_argument("--today", help="按哪一天计算逾期（YYYY-MM-DD，默认今天）")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            today = _date(options["today"]) if options["today"] else timezone.localdate()
            plans = [plan_get(options["plan"])] if options["plan"] else list(Plan.objects.order_by("id"))
        except (ValueError, PlanNotFound) as error:
            fail(str(error))
        reporter_ids = (
            Role.objects.filter(kind=RoleKind.REPORTER, is_active=True, user__is_active=True)
            .values_list("user_id", flat=True)
            .distinct()
        )
        users = get_user_model().objects.filter(pk__in=list(reporter_ids)).order_by("username")
        sent = 0
        for user in users:
            items = [
                item
                for plan in plans
                for item in due_items(user=user, plan=plan, today=today)
                if item.state in ("overdue", "returned")
            ]
            overdue = sum(1 for item in items if item.state == "overdue")
            returned = len(items) - overdue
            name = user.get_username()
            if not items:
                self.stdout.write(_("%(user)s：无逾期或退回的数据，不发邮件") % {"user": name})
                continue
            if not user.email:
                self.stdout.write(
                    _("%(user)s：逾期%(overdue)s项，退回%(returned)s项；未设邮箱，未发送")
                    % {"user": name, "overdue": overdue, "returned": returned}
                )
                continue
            subject, body = message_for(items, today)
            try:
                send_mail(subject, body, None, [user.email])
            except OSError as error:  # an unreachable mail server: tell, and go on with the others
                self.stderr.write(_("%(user)s：发送失败（%(error)s）") % {"user": name, "error": error})
                continue
            sent += 1
            self.stdout.write(
                _("%(user)s <%(email)s>：逾期%(overdue)s项，退回%(returned)s项，已发送")
                % {"user": name, "email": user.email, "overdue": overdue, "returned": returned}
            )
        self.stdout.write(_("共发送%(sent)s封提醒邮件（%(today)s）") % {"sent": sent, "today": today.isoformat()})
