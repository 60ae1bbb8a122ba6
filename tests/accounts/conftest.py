"""Account fixtures: the seed plan's org units and departments, and a way to make users quickly."""

from __future__ import annotations

import pytest

from mubiao.audit.models import Door
from mubiao.audit.services import Actor

#: A password that passes the site's rules (10+ characters, not common, not all digits).
GOOD_PASSWORD = "Liuzhou-Kj-2024!"


@pytest.fixture
def cli_actor() -> Actor:
    return Actor(door=Door.CLI, label="operator（命令行）")


@pytest.fixture
def make_user(db, cli_actor):
    """Create a user through the service: make_user("li", ("reporter", "柳南"))."""
    from mubiao.accounts.services import user_create

    def make(username: str, *roles: tuple[str, str | None], password: str = GOOD_PASSWORD, **fields: str):
        return user_create(actor=cli_actor, username=username, password=password, roles=list(roles), **fields)

    return make
