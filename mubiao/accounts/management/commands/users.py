"""mubiao users create|list|disable|token|grant|revoke: accounts and roles from the command line."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import CommandParser
from django.utils import timezone
from rich.markup import escape
from rich.table import Table

from mubiao.accounts.models import Role
from mubiao.accounts.services import (
    AccountError,
    password_generate,
    role_grant,
    role_label,
    role_revoke,
    role_spec_parse,
    scope_resolve,
    token_issue,
    user_create,
    user_disable,
)
from mubiao.audit.services import Actor
from mubiao.commands import MubiaoCommand, console, fail, print_json

ROLE_HELP = "角色及范围：admin、viewer、reporter:单位（如 reporter:柳南）、reviewer:部门（如 reviewer:市科技局）"


def user_get(username: str) -> Any:
    user = get_user_model().objects.filter(username__iexact=username.strip()).first()
    if user is None:
        fail(f"找不到账号“{username}”")
    return user


def roles_of(user: Any) -> list[Role]:
    return sorted((role for role in user.roles.all() if role.is_active), key=lambda role: role.pk)


def user_json(user: Any) -> dict[str, Any]:
    return {
        "username": user.get_username(),
        "full_name": user.get_full_name(),
        "email": user.email,
        "is_active": user.is_active,
        "roles": [
            {
                "kind": role.kind,
                "org_unit": role.org_unit.name if role.org_unit else None,
                "department": role.department.name if role.department else None,
            }
            for role in roles_of(user)
        ],
        "last_login": user.last_login.isoformat() if user.last_login else None,
        "date_joined": user.date_joined.isoformat(),
    }


class Command(MubiaoCommand):
    help = "账号：创建、列出、停用账号，授予或撤销角色，签发 API 令牌。"

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")

        create = actions.add_parser(
            "create", help="创建账号", description="创建账号并授予角色；不给密码则生成一个并只显示一次。"
        )
        create.add_argument("username", help="用户名（登录名）")
        create.add_argument("--role", action="append", default=[], help=ROLE_HELP + "；可重复")
        create.add_argument("--password", help="密码（至少 10 位，不能太常见或全是数字）；省略则自动生成")
        create.add_argument("--email", default="", help="电子邮箱（接收提醒）")
        create.add_argument("--full-name", default="", help="姓名")

        listing = actions.add_parser("list", help="列出账号及其角色")
        listing.add_argument("--format", choices=["table", "json"], default="table", help="输出格式")

        disable = actions.add_parser("disable", help="停用账号（不删除，角色一并失效）")
        disable.add_argument("username")
        disable.add_argument("--reason", required=True, help="停用原因（记入审计日志）")

        token = actions.add_parser("token", help="签发新的 API 令牌（旧令牌作废），只显示一次")
        token.add_argument("username")

        grant = actions.add_parser("grant", help="授予角色")
        grant.add_argument("username")
        grant.add_argument("--role", required=True, help=ROLE_HELP)
        grant.add_argument("--reason", default="", help="原因（记入审计日志）")

        revoke = actions.add_parser("revoke", help="撤销角色（不删除）")
        revoke.add_argument("username")
        revoke.add_argument("--role", required=True, help=ROLE_HELP)
        revoke.add_argument("--reason", default="", help="原因（记入审计日志）")

    def handle(self, *args: Any, **options: Any) -> None:
        handler = getattr(self, f"do_{options['action']}")
        try:
            handler(options)
        except AccountError as error:
            fail(str(error), options.get("format") == "json")

    def do_create(self, options: dict[str, Any]) -> None:
        roles = [role_spec_parse(text) for text in options["role"]]
        generated = options["password"] is None
        password = password_generate(options["username"]) if generated else options["password"]
        user = user_create(
            actor=Actor.command_line(),
            username=options["username"],
            password=password,
            full_name=options["full_name"],
            email=options["email"],
            roles=roles,
        )
        out = console()
        labels = "、".join(role_label(role) for role in roles_of(user)) or "无角色"
        out.print(f"已创建账号“{user.get_username()}”：{labels}。", markup=False)
        if generated:
            out.print(f"初始密码（只显示这一次，请转交本人并提醒修改）：{password}", markup=False)

    def do_list(self, options: dict[str, Any]) -> None:
        users = list(
            get_user_model().objects.order_by("username").prefetch_related("roles__org_unit", "roles__department")
        )
        if options["format"] == "json":
            print_json([user_json(user) for user in users])
            return
        out = console()
        if not users:
            out.print("还没有账号。用 mubiao users create 创建。")
            return
        table = Table("账号", "姓名", "角色", "状态", "最后登录", show_edge=False)
        for user in users:
            last = timezone.localtime(user.last_login).strftime("%Y-%m-%d %H:%M") if user.last_login else "从未"
            roles = "、".join(role_label(role) for role in roles_of(user))
            if not roles and user.is_superuser:
                roles = "管理员（超级用户）"
            table.add_row(
                escape(user.get_username()),
                escape(user.get_full_name()),
                roles or "无角色",
                "有效" if user.is_active else "已停用",
                last,
            )
        out.print(table)

    def do_disable(self, options: dict[str, Any]) -> None:
        user = user_disable(actor=Actor.command_line(), user=user_get(options["username"]), reason=options["reason"])
        console().print(f"已停用账号“{user.get_username()}”，其角色一并失效。", markup=False)

    def do_token(self, options: dict[str, Any]) -> None:
        user = user_get(options["username"])
        key = token_issue(actor=Actor.command_line(), user=user)
        out = console()
        out.print(f"“{user.get_username()}”的新 API 令牌（只显示这一次，旧令牌已作废）：", markup=False)
        out.print(key, markup=False)

    def do_grant(self, options: dict[str, Any]) -> None:
        user = user_get(options["username"])
        kind, scope = role_spec_parse(options["role"])
        role = role_grant(actor=Actor.command_line(), user=user, kind=kind, scope=scope, reason=options["reason"])
        console().print(f"已授予“{user.get_username()}”角色{role_label(role)}。", markup=False)

    def do_revoke(self, options: dict[str, Any]) -> None:
        user = user_get(options["username"])
        kind, scope = role_spec_parse(options["role"])
        resolved = scope_resolve(kind, scope)
        role = Role.objects.filter(
            user=user, kind=kind, org_unit=resolved.org_unit, department=resolved.department, is_active=True
        ).first()
        if role is None:
            fail(f"“{user.get_username()}”没有角色“{options['role']}”")
        role_revoke(actor=Actor.command_line(), role=role, reason=options["reason"])
        console().print(f"已撤销“{user.get_username()}”的角色{role_label(role)}。", markup=False)
