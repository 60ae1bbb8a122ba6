"""The one `mubiao` console command: mubiao's own commands, and Django's through it too."""

from __future__ import annotations

import os
import sys

#: mubiao's words for its commands → the Django management commands behind them.
COMMANDS = {
    "import": "import_plan",
    "validate": "validate_plan",
    "dump": "dump_plan",
    "plans": "list_plans",
    "example": "load_example",
    "orgunits": "load_orgunits",
    "actuals": "actuals",
    "synthesize": "synthesize",
    "remind": "remind",
    "users": "users",
    "demo-accounts": "demo_accounts",
    "export": "export",
}

USAGE = """mubiao — 目标分解、跟踪与考核

常用命令：
  mubiao import FILE [--format json] [--area 名称] [--create-units]   导入目标分解表
  mubiao validate [PLAN] [--format json]                             检查规划数据质量
  mubiao dump [PLAN] [--format csv|json]                             导出长表（一值一行）
  mubiao export plan [PLAN] -o FILE.xlsx|FILE.docx                   导出正式版式的目标分解任务表
  mubiao export progress [PLAN] --year Y [--period P] -o FILE.xlsx   导出完成情况表（附件1）
  mubiao progress [PLAN] --year Y [--period P] [--indicator N]        完成进度、状态与排名
  mubiao actuals import FILE [--plan P] [--allow-blank] [--format json]  导入实际值长表
  mubiao remind [--plan P] [--today YYYY-MM-DD]                      邮件提醒填报人逾期和退回的数据
  mubiao plans                                                       列出规划
  mubiao example                                                     载入柳州市示例规划
  mubiao orgunits FILE.json                                          载入单位目录
  mubiao synthesize [--cities 14 --units 10 --seed N]                生成合成测试数据（省、市、县）
  mubiao users create NAME --role reporter:柳南 [--password P]       创建账号（不给密码则生成，只显示一次）
  mubiao users list [--format json]                                  列出账号与角色
  mubiao users disable NAME --reason R                               停用账号（不删除）
  mubiao users token NAME                                            签发新的 API 令牌（只显示一次）
  mubiao demo-accounts                                               建演示账号（每种角色一个），密码只显示一次
  mubiao runserver | migrate | createsuperuser | …                   Django 自带命令

mubiao help COMMAND 查看某个命令的参数。
"""


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mubiao.settings")
    from django.core.management import execute_from_command_line

    from mubiao.audit.acting import acting_from_command_line

    args = list(sys.argv if argv is None else argv)
    args[0] = "mubiao"
    if len(args) == 1 or args[1] in {"-h", "--help"}:
        sys.stdout.write(USAGE)
        return
    if args[1] == "help" and len(args) > 2:
        args[2] = COMMANDS.get(args[2], args[2])
    args[1] = COMMANDS.get(args[1], args[1])
    try:
        # Whatever a command changes without naming an actor (createsuperuser, changepassword) is the operator's.
        with acting_from_command_line():
            execute_from_command_line(args)
    except BrokenPipeError:
        # Output piped into `head` and the like: stop quietly, as Unix tools do.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(1)


if __name__ == "__main__":
    main()
