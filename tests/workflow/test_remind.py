"""`mubiao remind` mails each reporter what their units owe, through Django's mail."""

from datetime import date

import pytest
from django.core import mail
from django.core.management import call_command

from mubiao.reporting.due import reminders
from mubiao.reporting.workflow import actual_enter, actual_return, actual_submit

from .conftest import make_user, web

pytestmark = pytest.mark.django_db


@pytest.fixture
def returned_in_liunan(people, indicator3, liunan):
    draft = actual_enter(
        actor=web(people.reporter), indicator=indicator3, org_unit=liunan, period="2019-Q1", value="40"
    )
    submitted = actual_submit(actor=web(people.reporter), actual=draft, expected_version=1)
    return actual_return(actor=web(people.reviewer), actual=submitted, reason="请附认定名单", expected_version=2)


def test_each_reporter_gets_one_mail_with_their_counts(people, seed_plan, returned_in_liunan, capsys) -> None:
    make_user("sanjiang", "reporter", unit="三江")  # no address: told, not mailed
    counts = reminders(plan=seed_plan, today=date(2019, 4, 10))

    call_command("remind", "--today", "2019-04-10", "--plan", str(seed_plan.pk))

    by_address = {message.to[0]: message for message in mail.outbox}
    assert sorted(by_address) == ["liubei@example.cn", "liunan@example.cn"]
    liunan = by_address["liunan@example.cn"]
    assert counts["柳南"] == {"overdue": 15, "returned": 1}
    assert liunan.subject == "【目标任务填报提醒】逾期15项，退回待修改1项"
    assert "3. 高新技术企业 · 柳南 · 2019-Q1（截止2019-04-05），退回原因：请附认定名单" in liunan.body
    assert "1. 国家级创新平台 · 柳南 · 2018-Q1（截止2018-04-05）" in liunan.body
    assert (
        by_address["liubei@example.cn"].subject
        == f"【目标任务填报提醒】逾期{counts['柳北']['overdue']}项，退回待修改0项"
    )
    out = capsys.readouterr().out
    assert "sanjiang：逾期16项，退回0项；未设邮箱，未发送" in out
    assert "liunan <liunan@example.cn>：逾期15项，退回1项，已发送" in out
    assert "共发送2封提醒邮件（2019-04-10）" in out


def test_a_reporter_owing_nothing_gets_no_mail(people, seed_plan, capsys) -> None:
    call_command("remind", "--today", "2018-03-01")

    assert mail.outbox == []
    assert "liunan：无逾期或退回的数据，不发邮件" in capsys.readouterr().out


def test_a_bad_date_is_refused(people, seed_plan) -> None:
    with pytest.raises(SystemExit) as exit_:
        call_command("remind", "--today", "10/04/2019")
    assert exit_.value.code == 2
