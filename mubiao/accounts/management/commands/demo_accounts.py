"""mubiao demo-accounts: one account per role for the example plan, created once, passwords shown once."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from rich.table import Table

from mubiao.accounts.models import RoleKind
from mubiao.accounts.services import AccountError, password_generate, role_kind_parse, scope_resolve, user_create
from mubiao.audit.services import Actor
from mubiao.commands import MubiaoCommand, console


@dataclass(frozen=True)
class DemoAccount:
    username: str
    full_name: str
    kind: str
    scope: str | None = None

    @property
    def role(self) -> str:
        return f"{self.kind}:{self.scope}" if self.scope else self.kind


DEMO_ACCOUNTS = (
    DemoAccount("demo-admin", "演示管理员", "admin"),
    DemoAccount("demo-liunan", "演示填报人（柳南区）", "reporter", "柳南"),
    DemoAccount("demo-keji", "演示审核人（市科技局）", "reviewer", "市科技局"),
    DemoAccount("demo-leader", "演示领导（只读）", "viewer"),
)


class Command(MubiaoCommand):
    help = (
        "演示账号：为示例规划每种角色建一个账号（管理员、柳南填报人、市科技局审核人、只读领导）。"
        "可重复运行，不改已有密码。"
    )

    def handle(self, *args: Any, **options: Any) -> None:
        out = console()
        created = Table("账号", "角色", "初始密码", show_edge=False, title="新建的演示账号（密码只显示这一次）")
        created_any = False
        User = get_user_model()
        for demo in DEMO_ACCOUNTS:
            if User.objects.filter(username=demo.username).exists():
                out.print(f"演示账号“{demo.username}”已存在，密码未改动。", markup=False)
                continue
            try:
                scope_resolve(demo.kind, demo.scope)
            except AccountError as error:
                hint = "先运行 mubiao example 载入示例规划"
                out.print(f"跳过演示账号“{demo.username}”：{error}（{hint}）。", markup=False)
                continue
            password = password_generate(demo.username)
            user_create(
                actor=Actor.command_line(),
                username=demo.username,
                password=password,
                full_name=demo.full_name,
                roles=[(demo.kind, demo.scope)],
            )
            created.add_row(demo.username, _role_text(demo), password)
            created_any = True
        if created_any:
            out.print(created)
            out.print("请记下这些密码：它们不会再显示。登录：/accounts/login/")


def _role_text(demo: DemoAccount) -> str:
    label = str(RoleKind(role_kind_parse(demo.kind)).label)
    return f"{label}（{demo.scope}）" if demo.scope else label
