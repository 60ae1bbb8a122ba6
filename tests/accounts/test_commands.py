"""`mubiao users …` and `mubiao demo-accounts`: what they print, what they write, how they exit."""

from __future__ import annotations

import json
import re

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from rest_framework.authtoken.models import Token

from mubiao.accounts.models import Role
from mubiao.audit.models import AuditRecord
from mubiao.cli import COMMANDS
from tests.accounts.conftest import GOOD_PASSWORD

pytestmark = pytest.mark.django_db


def run(*args: str) -> int:
    """Run a mubiao command in this process (on the test database); return its exit status."""
    try:
        call_command(COMMANDS.get(args[0], args[0]), *args[1:])
    except SystemExit as exit_:
        return int(exit_.code or 0)
    return 0


def roles_of(username: str) -> list[tuple[str, str, str, bool]]:
    return sorted(
        (
            role.kind,
            role.org_unit.short_name if role.org_unit else "",
            role.department.name if role.department else "",
            role.is_active,
        )
        for role in Role.objects.filter(user__username=username)
    )


def test_users_create_with_two_roles_prints_the_generated_password_once(seed_plan, capsys) -> None:
    roles = ("--role", "reporter:柳南", "--role", "reviewer:市科技局")
    assert run("users", "create", "li", *roles, "--email", "li@x.cn") == 0

    out = capsys.readouterr().out
    assert out.splitlines()[0] == "已创建账号“li”：填报人（柳南）、审核人（市科技局）。"
    (password,) = re.findall(r"初始密码（只显示这一次，请转交本人并提醒修改）：(\S+)", out)
    user = User.objects.get(username="li")
    assert user.check_password(password) and user.email == "li@x.cn"
    assert roles_of("li") == [("reporter", "柳南", "", True), ("reviewer", "", "市科技局", True)]


def test_users_create_with_a_given_password_does_not_print_it(db, capsys) -> None:
    assert run("users", "create", "leader", "--role", "viewer", "--password", GOOD_PASSWORD, "--full-name", "王五") == 0

    out = capsys.readouterr().out
    assert out == "已创建账号“leader”：查看人。\n"
    assert User.objects.get(username="leader").check_password(GOOD_PASSWORD)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--role", "reporter:柳男"), "找不到单位“柳男”"),
        (("--role", "reviewer:市科技"), "找不到部门“市科技”，是否指“市科技局”？"),
        (("--password", "12345"), "密码不符合要求：至少 10 位；太常见，容易被猜中；不能全是数字"),
        (("--role", "reporter"), "填报人须指定范围，例如 reporter:柳南"),
        (("--role", "chief"), "未知角色“chief”"),
    ],
)
def test_users_create_refuses_bad_input_in_chinese_with_status_2_and_writes_nothing(
    seed_plan, capsys, args, message
) -> None:
    assert run("users", "create", "li", *args) == 2

    captured = capsys.readouterr()
    assert captured.err.startswith("错误：" + message)
    assert "Traceback" not in captured.err and captured.out == ""
    assert not User.objects.filter(username="li").exists()


def test_users_create_refuses_an_existing_name(db, capsys) -> None:
    run("users", "create", "li", "--password", GOOD_PASSWORD)
    capsys.readouterr()

    assert run("users", "create", "LI", "--password", GOOD_PASSWORD) == 2
    assert capsys.readouterr().err == "错误：用户名“LI”已存在\n"
    assert User.objects.count() == 1


def test_users_list_as_json_shows_each_user_with_roles_and_state(seed_plan, capsys) -> None:
    run("users", "create", "li", "--role", "reporter:柳南", "--password", GOOD_PASSWORD, "--full-name", "李四")
    run("users", "create", "boss", "--role", "admin", "--password", GOOD_PASSWORD)
    run("users", "disable", "boss", "--reason", "换人")
    capsys.readouterr()

    assert run("users", "list", "--format", "json") == 0

    listed = json.loads(capsys.readouterr().out)
    assert [(u["username"], u["full_name"], u["is_active"], u["roles"], u["last_login"]) for u in listed] == [
        ("boss", "", False, [], None),
        ("li", "李四", True, [{"kind": "reporter", "org_unit": "柳南区", "department": None}], None),
    ]


def test_users_list_as_a_table_names_roles_and_states(seed_plan, capsys) -> None:
    run("users", "create", "keji", "--role", "reviewer:市科技局", "--password", GOOD_PASSWORD)
    run("users", "create", "gone", "--password", GOOD_PASSWORD)
    run("users", "disable", "gone", "--reason", "离职")
    capsys.readouterr()

    assert run("users", "list") == 0

    rows = [line for line in capsys.readouterr().out.splitlines() if "│" in line]
    cells = [[cell.strip() for cell in row.split("│")] for row in rows]
    assert cells == [
        ["gone", "", "无角色", "已停用", "从未"],
        ["keji", "", "审核人（市科技局）", "有效", "从未"],
    ]


def test_users_list_says_when_there_are_none(db, capsys) -> None:
    assert run("users", "list") == 0
    assert capsys.readouterr().out == "还没有账号。用 mubiao users create 创建。\n"


def test_users_disable_keeps_the_account_and_records_the_reason(seed_plan, capsys) -> None:
    run("users", "create", "li", "--role", "reporter:柳南", "--password", GOOD_PASSWORD)
    capsys.readouterr()

    assert run("users", "disable", "li", "--reason", "调岗") == 0

    assert capsys.readouterr().out == "已停用账号“li”，其角色一并失效。\n"
    assert User.objects.get(username="li").is_active is False
    assert roles_of("li") == [("reporter", "柳南", "", False)]
    assert AuditRecord.objects.get(action="disable").reason == "调岗"


def test_users_disable_of_an_unknown_or_disabled_user_fails_with_status_2(db, capsys) -> None:
    assert run("users", "disable", "nobody", "--reason", "x") == 2
    assert capsys.readouterr().err == "错误：找不到账号“nobody”\n"
    run("users", "create", "li", "--password", GOOD_PASSWORD)
    run("users", "disable", "li", "--reason", "x")
    capsys.readouterr()

    assert run("users", "disable", "li", "--reason", "x") == 2
    assert capsys.readouterr().err == "错误：账号“li”已停用\n"


def test_users_token_prints_a_new_working_token_once(db, capsys) -> None:
    run("users", "create", "analyst", "--role", "viewer", "--password", GOOD_PASSWORD)
    capsys.readouterr()

    assert run("users", "token", "analyst") == 0

    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "“analyst”的新 API 令牌（只显示这一次，旧令牌已作废）："
    assert Token.objects.get(user__username="analyst").key == lines[1]


def test_users_grant_and_revoke_change_one_role(seed_plan, capsys) -> None:
    run("users", "create", "li", "--password", GOOD_PASSWORD)

    assert run("users", "grant", "li", "--role", "reporter:柳南", "--reason", "新任") == 0
    assert run("users", "revoke", "li", "--role", "reporter:柳南区") == 0
    assert run("users", "revoke", "li", "--role", "reporter:柳南") == 2

    captured = capsys.readouterr()
    assert "已授予“li”角色填报人（柳南）。" in captured.out
    assert "已撤销“li”的角色填报人（柳南）。" in captured.out
    assert captured.err == "错误：“li”没有角色“reporter:柳南”\n"
    assert roles_of("li") == [("reporter", "柳南", "", False)]


def demo_passwords(out: str) -> dict[str, str]:
    return {name: password for name, _role, password in re.findall(r"(demo-\S+)\s+│\s+(\S+)\s+│\s+(\S+)", out)}


def test_demo_accounts_creates_one_account_per_role_and_prints_the_passwords_once(seed_plan, capsys) -> None:
    assert run("demo-accounts") == 0

    passwords = demo_passwords(capsys.readouterr().out)
    assert set(passwords) == {"demo-admin", "demo-liunan", "demo-keji", "demo-leader"}
    for name, password in passwords.items():
        assert User.objects.get(username=name).check_password(password)
    assert roles_of("demo-admin") == [("admin", "", "", True)]
    assert roles_of("demo-liunan") == [("reporter", "柳南", "", True)]
    assert roles_of("demo-keji") == [("reviewer", "", "市科技局", True)]
    assert roles_of("demo-leader") == [("viewer", "", "", True)]


def test_demo_accounts_run_again_changes_nothing_and_shows_no_password(seed_plan, capsys) -> None:
    run("demo-accounts")
    passwords = demo_passwords(capsys.readouterr().out)
    records = AuditRecord.objects.count()

    assert run("demo-accounts") == 0

    assert capsys.readouterr().out.splitlines() == [
        "演示账号“demo-admin”已存在，密码未改动。",
        "演示账号“demo-liunan”已存在，密码未改动。",
        "演示账号“demo-keji”已存在，密码未改动。",
        "演示账号“demo-leader”已存在，密码未改动。",
    ]
    assert AuditRecord.objects.count() == records
    assert all(User.objects.get(username=name).check_password(password) for name, password in passwords.items())


@pytest.mark.usefixtures("empty_register")
def test_demo_accounts_without_the_example_plan_skips_the_scoped_ones_and_says_why(db, capsys) -> None:
    assert run("demo-accounts") == 0

    out = capsys.readouterr().out
    assert "跳过演示账号“demo-liunan”：找不到单位“柳南”（先运行 mubiao example 载入示例规划）。" in out
    assert "跳过演示账号“demo-keji”：找不到部门“市科技局”（先运行 mubiao example 载入示例规划）。" in out
    assert set(demo_passwords(out)) == {"demo-admin", "demo-leader"}
    assert sorted(User.objects.values_list("username", flat=True)) == ["demo-admin", "demo-leader"]


def test_the_mubiao_command_knows_users_and_demo_accounts() -> None:
    assert (COMMANDS["users"], COMMANDS["demo-accounts"]) == ("users", "demo_accounts")


def test_a_unit_name_two_areas_share_is_refused_as_ambiguous_and_the_full_name_is_taken(
    seed_plan, actor, capsys
) -> None:
    from mubiao.orgunits.models import OrgUnit
    from mubiao.orgunits.services import orgunit_create

    other_city = orgunit_create(name="测试市", short_name="测试", kind="city", actor=actor)
    orgunit_create(name="柳南", short_name="柳南", kind="district", parent=other_city, actor=actor)

    assert run("users", "create", "amb", "--role", "reporter:柳南", "--password", GOOD_PASSWORD) == 2
    assert "“柳南”可指多个单位：柳州市柳南区、测试市柳南；请写单位全称" in capsys.readouterr().err
    assert not User.objects.filter(username="amb").exists()

    assert run("users", "create", "amb", "--role", "reporter:柳南区", "--password", GOOD_PASSWORD) == 0
    assert Role.objects.get(user__username="amb").org_unit == OrgUnit.objects.get(name="柳南区")
