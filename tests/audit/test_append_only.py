"""Audit records are append-only through every door: instance, queryset, raw SQL, and the admin."""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.db import DatabaseError, connection, models, transaction

from mubiao.audit.models import AuditRecord, AuditRecordImmutable, Door
from mubiao.audit.services import Actor, AuditEntry, audit_entries_write, audit_rows_write

pytestmark = pytest.mark.django_db

ACTOR = Actor(door=Door.CLI, label="tester（命令行）")


#: The records these tests write: the database holds the seed plan's records too.
PROBE = "tests.probe"


def entry(number: int) -> AuditEntry:
    return AuditEntry("create", PROBE, str(number), f"目标 {number}", None, {"value": str(number)})


def probes() -> models.QuerySet[AuditRecord]:
    return AuditRecord.objects.filter(object_type=PROBE).order_by("id")


@pytest.fixture
def records() -> list[AuditRecord]:
    audit_entries_write(actor=ACTOR, entries=[entry(1), entry(2)])
    return list(probes())


def test_bulk_inserts_still_write_records_with_their_actor_and_door(records) -> None:
    audit_rows_write(actor=ACTOR, rows=[("update", PROBE, "3", "目标 3", None, '{"value": "3"}', "")])

    written = list(probes().values_list("object_id", "action", "door", "actor_label"))
    assert written == [
        ("1", "create", "cli", "tester（命令行）"),
        ("2", "create", "cli", "tester（命令行）"),
        ("3", "update", "cli", "tester（命令行）"),
    ]


def test_it_refuses_to_update_records_through_the_queryset(records) -> None:
    with pytest.raises(AuditRecordImmutable):
        probes().filter(object_id="1").update(reason="rewritten")
    with pytest.raises(AuditRecordImmutable):
        AuditRecord.objects.all().update(actor_label="someone else")

    assert set(probes().values_list("reason", "actor_label")) == {("", "tester（命令行）")}


def test_it_refuses_to_delete_records_through_the_queryset(records) -> None:
    with pytest.raises(AuditRecordImmutable):
        probes().filter(object_id="1").delete()
    with pytest.raises(AuditRecordImmutable):
        AuditRecord._base_manager.filter(object_type=PROBE).delete()

    assert probes().count() == 2


def test_it_refuses_bulk_updates_and_update_or_create(records) -> None:
    for record in records:
        record.reason = "rewritten"
    with pytest.raises(AuditRecordImmutable):
        AuditRecord.objects.bulk_update(records, ["reason"])
    with pytest.raises(AuditRecordImmutable):
        AuditRecord.objects.update_or_create(pk=records[0].pk, defaults={"reason": "rewritten"})

    assert set(probes().values_list("reason", flat=True)) == {""}


def test_it_refuses_to_save_an_existing_record_or_delete_one(records) -> None:
    record = records[0]
    record.reason = "rewritten"

    with pytest.raises(AuditRecordImmutable):
        record.save()
    with pytest.raises(AuditRecordImmutable):
        record.delete()

    assert AuditRecord.objects.get(pk=record.pk).reason == ""


def test_the_database_refuses_an_sql_update_of_a_record(records) -> None:
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditrecord SET reason = 'rewritten' WHERE object_type = %s", [PROBE])

    assert set(probes().values_list("reason", flat=True)) == {""}


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite refuses DELETE in the ORM only: Django's test flush empties SQLite tables with DELETE",
)
def test_postgresql_refuses_an_sql_delete_of_a_record(records) -> None:
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditrecord WHERE object_type = %s", [PROBE])

    assert probes().count() == 2


@pytest.fixture
def superuser_client(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("root", "root@example.org", "a-long-pass-phrase"))
    return client


def test_the_admin_neither_changes_nor_deletes_audit_records(superuser_client, records) -> None:
    record = records[0]

    changed = superuser_client.post(f"/admin/audit/auditrecord/{record.pk}/change/", {"reason": "rewritten"})
    deleted = superuser_client.post(f"/admin/audit/auditrecord/{record.pk}/delete/", {"post": "yes"})

    assert (changed.status_code, deleted.status_code) == (403, 403)
    assert AuditRecord.objects.get(pk=record.pk).reason == ""


@pytest.mark.parametrize(
    ("model", "path"),
    [
        (AccessAttempt, "axes/accessattempt"),
        (AccessLog, "axes/accesslog"),
        (AccessFailureLog, "axes/accessfailurelog"),
    ],
)
def test_sign_in_records_are_shown_but_not_deleted_in_the_admin(superuser_client, model, path) -> None:
    fields = {"username": "li", "ip_address": "10.0.0.7", "user_agent": "test", "path_info": "/login/"}
    if model is AccessAttempt:
        fields.update(failures_since_start=5, get_data="", post_data="", http_accept="text/html")
    sign_in = model.objects.create(**fields)

    listing = superuser_client.get(f"/admin/{path}/")
    deleted = superuser_client.post(f"/admin/{path}/{sign_in.pk}/delete/", {"post": "yes"})
    bulk = superuser_client.post(
        f"/admin/{path}/", {"action": "delete_selected", "_selected_action": [sign_in.pk], "post": "yes"}
    )

    assert listing.status_code == 200
    assert "10.0.0.7" in listing.content.decode()
    assert deleted.status_code == 403
    assert bulk.status_code in (200, 302)
    assert model.objects.filter(pk=sign_in.pk).exists()
