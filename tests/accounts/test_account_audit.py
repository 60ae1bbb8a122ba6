"""Changes to users, roles and superuser status are audited, whichever command or page made them."""

from __future__ import annotations

import getpass
import json
import os
import sqlite3
import subprocess
import sys
from contextlib import closing
from typing import Any

import lxml.html
import pytest
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from mubiao.accounts.models import Role
from mubiao.audit.acting import acting_as, acting_from_command_line
from mubiao.audit.models import AuditRecord, Door
from mubiao.audit.services import Actor
from mubiao.cli import COMMANDS
from tests.accounts.conftest import GOOD_PASSWORD

pytestmark = pytest.mark.django_db

OPERATOR = f"{getpass.getuser()}（命令行）"


def user_records(user: User) -> list[tuple[str, str, str]]:
    records = AuditRecord.objects.filter(object_type="auth.user", object_id=str(user.pk)).order_by("id")
    return [(record.action, record.door, record.actor_label) for record in records]


def no_password_hash_anywhere() -> bool:
    states = str(list(AuditRecord.objects.filter(object_type="auth.user").values_list("before", "after")))
    return "pbkdf2" not in states and "argon2" not in states and "$" not in states


@pytest.fixture
def admin_client(make_user) -> Client:
    client = Client()
    client.force_login(make_user("root", ("admin", None)))
    return client


def admin_form_post(client: Client, url: str, changes: dict[str, Any]) -> Any:
    """Submit an admin form as a browser would: every field as the page shows it, then our changes."""
    page = lxml.html.fromstring(client.get(url).content.decode("utf-8"))
    form = page.xpath("//form[@method='post' and .//input[@name='csrfmiddlewaretoken']]")[-1]
    data: dict[str, Any] = {}
    for name, value in form.form_values():
        data.setdefault(name, []).append(value)
    for name, value in changes.items():
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value
    return client.post(url, data)


def test_making_a_user_superuser_in_the_admin_is_audited_with_the_admin_as_actor(admin_client, make_user) -> None:
    li = make_user("li")

    url = reverse("admin:auth_user_change", args=[li.pk])
    response = admin_form_post(admin_client, url, {"is_superuser": "on", "is_staff": "on"})

    assert response.status_code == 302
    record = AuditRecord.objects.filter(object_type="auth.user", object_id=str(li.pk)).latest("id")
    assert (record.action, record.door, record.actor_label) == ("update", "admin", "root")
    assert (record.before["is_superuser"], record.after["is_superuser"]) == (False, True)
    assert (record.before["is_staff"], record.after["is_staff"]) == (False, True)
    assert "password" not in record.after
    assert no_password_hash_anywhere()


def test_a_password_set_in_the_admin_is_audited_as_changed_without_the_hash(admin_client, make_user) -> None:
    li = make_user("li")

    url = reverse("admin:auth_user_password_change", args=[li.pk])
    response = admin_form_post(admin_client, url, {"password1": "Another-Pass-2024", "password2": "Another-Pass-2024"})

    assert response.status_code == 302
    li.refresh_from_db()
    assert li.check_password("Another-Pass-2024")
    assert user_records(li)[-1] == ("password", "admin", "root")
    assert AuditRecord.objects.get(object_type="auth.user", object_id=str(li.pk), action="password").after == {
        "password": "changed"
    }
    assert no_password_hash_anywhere()


def test_a_role_granted_in_the_admin_is_audited_with_the_superuser_status_it_brings(admin_client, make_user) -> None:
    li = make_user("li")

    response = admin_form_post(admin_client, reverse("admin:accounts_role_add"), {"user": str(li.pk), "kind": "admin"})

    assert response.status_code == 302
    role = Role.objects.get(user=li)
    role_record = AuditRecord.objects.get(object_type="accounts.role", object_id=str(role.pk))
    assert (role_record.action, role_record.door, role_record.actor_label) == ("create", "admin", "root")
    assert user_records(li) == [("create", "cli", "operator（命令行）"), ("update", "admin", "root")]
    status = AuditRecord.objects.filter(object_type="auth.user", object_id=str(li.pk)).latest("id")
    assert (status.before["is_superuser"], status.after["is_superuser"]) == (False, True)


def run(*args: str) -> None:
    """Run a mubiao command in this process, as mubiao.cli.main does (the operator acting), on the test database.

    call_command rather than main(): Django's command-line entry closes every connection when it
    finishes, which would end the test's transaction. main() itself is run in a subprocess below.
    """
    with acting_from_command_line():
        call_command(COMMANDS.get(args[0], args[0]), *args[1:])


def test_createsuperuser_on_the_command_line_is_audited_as_the_operators(monkeypatch) -> None:
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", GOOD_PASSWORD)

    run("createsuperuser", "--noinput", "--username", "chief", "--email", "chief@example.cn")

    chief = User.objects.get(username="chief")
    assert user_records(chief) == [("create", "cli", OPERATOR)]
    record = AuditRecord.objects.get(object_type="auth.user", object_id=str(chief.pk))
    assert record.after == {
        "username": "chief",
        "full_name": "",
        "email": "chief@example.cn",
        "is_active": True,
        "is_staff": True,
        "is_superuser": True,
    }
    assert no_password_hash_anywhere()


def test_changepassword_on_the_command_line_is_audited_without_the_hash(make_user, monkeypatch) -> None:
    li = make_user("li")
    monkeypatch.setattr(getpass, "getpass", lambda prompt="": "Another-Pass-2024")  # what the operator types

    run("changepassword", "li")

    li.refresh_from_db()
    assert li.check_password("Another-Pass-2024")
    assert user_records(li) == [("create", "cli", "operator（命令行）"), ("password", "cli", OPERATOR)]
    assert no_password_hash_anywhere()


def test_the_mubiao_command_names_the_operator_as_the_actor_of_djangos_own_commands(tmp_path) -> None:
    database = tmp_path / "fresh.sqlite3"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}", "DJANGO_SUPERUSER_PASSWORD": GOOD_PASSWORD}
    mubiao = [sys.executable, "-m", "mubiao.cli"]
    subprocess.run([*mubiao, "migrate", "-v", "0"], env=env, check=True)

    subprocess.run([*mubiao, "createsuperuser", "--noinput", "--username", "chief", "--email", ""], env=env, check=True)
    # No terminal (a new session): changepassword's getpass reads the typed password from standard input.
    subprocess.run(
        [*mubiao, "changepassword", "chief"],
        env=env,
        input="Another-Pass-2024\nAnother-Pass-2024\n",
        text=True,
        capture_output=True,
        start_new_session=True,
        check=True,
    )

    with closing(sqlite3.connect(database)) as connection:
        rows = connection.execute(
            "SELECT action, door, actor_label, after FROM audit_auditrecord WHERE object_type = 'auth.user' ORDER BY id"
        ).fetchall()
    assert [(action, door, label) for action, door, label, _after in rows] == [
        ("create", "cli", OPERATOR),
        ("password", "cli", OPERATOR),
    ]
    assert json.loads(rows[0][3])["is_superuser"] is True
    assert json.loads(rows[1][3]) == {"password": "changed"}


def test_mubiao_users_create_records_the_user_once_and_the_superuser_status_it_brings(capsys) -> None:
    run("users", "create", "boss", "--role", "admin", "--password", GOOD_PASSWORD)

    boss = User.objects.get(username="boss")
    assert user_records(boss) == [("create", "cli", OPERATOR), ("update", "cli", OPERATOR)]
    status = AuditRecord.objects.filter(object_type="auth.user", object_id=str(boss.pk)).latest("id")
    assert (status.before["is_superuser"], status.after["is_superuser"]) == (False, True)


def test_mubiao_users_disable_records_the_change_once_with_its_reason(make_user, capsys) -> None:
    li = make_user("li", ("viewer", None))

    run("users", "disable", "li", "--reason", "调岗")

    assert user_records(li) == [("create", "cli", "operator（命令行）"), ("disable", "cli", OPERATOR)]


def test_revoking_an_administrator_role_records_the_lost_superuser_status(make_user, capsys) -> None:
    boss = make_user("boss", ("admin", None))

    run("users", "revoke", "boss", "--role", "admin", "--reason", "换人")

    status = AuditRecord.objects.filter(object_type="auth.user", object_id=str(boss.pk)).latest("id")
    assert (status.action, status.door, status.actor_label) == ("update", "cli", OPERATOR)
    assert (status.before["is_superuser"], status.after["is_superuser"]) == (True, False)


def test_a_group_given_to_a_user_is_audited_from_either_side(make_user) -> None:
    li = make_user("li")
    group = Group.objects.create(name="统计员")
    actor = Actor.for_user(make_user("root", ("admin", None)), Door.ADMIN)

    with acting_as(actor):
        li.groups.add(group)
        group.user_set.remove(li)

    grants = AuditRecord.objects.filter(object_type="auth.user", object_id=str(li.pk), action="grant").order_by("id")
    assert [(r.door, r.actor_label, r.before, r.after) for r in grants] == [
        ("admin", "root", {"groups": []}, {"groups": ["统计员"]}),
        ("admin", "root", {"groups": ["统计员"]}, {"groups": []}),
    ]


def test_a_change_made_with_no_door_named_is_recorded_as_the_systems(make_user) -> None:
    li = make_user("li")

    li.is_staff = True
    li.save()

    assert user_records(li)[-1] == ("update", "system", "系统")


def test_signing_in_and_saving_nothing_new_leave_no_record(make_user, client) -> None:
    li = make_user("li")

    client.post(reverse("login"), {"username": "li", "password": GOOD_PASSWORD})
    li.refresh_from_db()
    li.save()

    assert li.last_login is not None
    assert user_records(li) == [("create", "cli", "operator（命令行）")]


def test_the_hash_upgrade_django_makes_on_sign_in_is_not_recorded_as_a_password_change(
    make_user, client, settings
) -> None:
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        "django.contrib.auth.hashers.MD5PasswordHasher",
    ]
    li = make_user("li")
    User.objects.filter(pk=li.pk).update(password=make_password(GOOD_PASSWORD, hasher="md5"))

    client.post(reverse("login"), {"username": "li", "password": GOOD_PASSWORD})

    li.refresh_from_db()
    assert li.password.startswith("pbkdf2_sha256$")
    assert user_records(li) == [("create", "cli", "operator（命令行）")]


def test_saving_some_fields_records_only_what_was_saved(make_user) -> None:
    li = make_user("li")
    li.email = "unsaved@example.cn"
    li.is_staff = True

    li.save(update_fields=["is_staff"])

    record = AuditRecord.objects.filter(object_type="auth.user", object_id=str(li.pk)).latest("id")
    assert (record.before["is_staff"], record.after["is_staff"]) == (False, True)
    assert (record.before["email"], record.after["email"]) == ("", "")
