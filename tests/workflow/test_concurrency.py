"""No lost updates: saves racing from the same version on a real PostgreSQL server."""

import threading
from decimal import Decimal

import pytest
from django.db import connection

from mubiao.audit.models import AuditRecord
from mubiao.reporting.models import ActualValue
from mubiao.reporting.workflow import StaleVersion, actual_enter

from .conftest import web

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="SQLite serialises its writers; the race needs a server"
    ),
]


def run_threads(count: int, work) -> None:
    threads = [threading.Thread(target=work, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def test_two_saves_from_the_same_version_at_once_one_wins_the_other_is_told(people, indicator3, liunan) -> None:
    reporter = web(people.reporter)
    draft = actual_enter(actor=reporter, indicator=indicator3, org_unit=liunan, period="2019-Q1", value="40")
    start = threading.Barrier(2)
    saved: list[Decimal] = []
    stale: list[int] = []
    errors: list[BaseException] = []

    def save(n: int) -> None:
        value = Decimal(41 + n)
        try:
            start.wait()
            actual_enter(
                actor=reporter,
                indicator=indicator3,
                org_unit=liunan,
                period="2019-Q1",
                value=value,
                expected_version=1,
            )
            saved.append(value)
        except StaleVersion:
            stale.append(n)
        except BaseException as error:  # any other failure is collected and asserted below
            errors.append(error)
        finally:
            connection.close()

    run_threads(2, save)

    assert errors == []
    assert (len(saved), len(stale)) == (1, 1)
    stored = ActualValue.objects.get(pk=draft.pk)
    assert (stored.value, stored.version) == (saved[0], 2)
    updates = AuditRecord.objects.filter(object_id=str(draft.pk), action="enter").order_by("id")
    assert [(r.before and r.before["version"], r.after["value"]) for r in updates] == [
        (None, "40"),
        (1, str(saved[0])),
    ]


def test_ten_people_saving_over_and_over_lose_no_update(people, indicator3, liunan) -> None:
    reporter = web(people.reporter)
    draft = actual_enter(actor=reporter, indicator=indicator3, org_unit=liunan, period="2019-Q1", value="0")
    start = threading.Barrier(10)
    successes: list[Decimal] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def keep_saving(n: int) -> None:
        try:
            start.wait()
            for attempt in range(5):
                seen = ActualValue.objects.get(pk=draft.pk).version  # re-read, as a page reload would
                value = Decimal(n * 100 + attempt + 1)
                try:
                    actual_enter(
                        actor=reporter,
                        indicator=indicator3,
                        org_unit=liunan,
                        period="2019-Q1",
                        value=value,
                        expected_version=seen,
                    )
                except StaleVersion:
                    continue
                with lock:
                    successes.append(value)
        except BaseException as error:  # any other failure is collected and asserted below
            errors.append(error)
        finally:
            connection.close()

    run_threads(10, keep_saving)

    assert errors == []
    stored = ActualValue.objects.get(pk=draft.pk)
    assert successes
    assert stored.version == 1 + len(successes)
    updates = list(
        AuditRecord.objects.filter(object_id=str(draft.pk), action="enter").exclude(before=None).order_by("id")
    )
    assert len(updates) == len(successes)
    # Each save started from the version the one before it left: a chain with no gap and no fork.
    assert [r.before["version"] for r in updates] == list(range(1, 1 + len(successes)))
    assert [r.after["version"] for r in updates] == list(range(2, 2 + len(successes)))
    assert sorted(Decimal(r.after["value"]) for r in updates) == sorted(successes)
    assert stored.value == Decimal(updates[-1].after["value"])


def test_two_people_entering_the_same_new_figure_at_once_store_it_once(people, indicator3, liunan) -> None:
    reporter = web(people.reporter)
    start = threading.Barrier(2)
    saved: list[Decimal] = []
    stale: list[int] = []
    errors: list[BaseException] = []

    def enter(n: int) -> None:
        try:
            start.wait()
            actual_enter(actor=reporter, indicator=indicator3, org_unit=liunan, period="2019-Q2", value=Decimal(n + 1))
            saved.append(Decimal(n + 1))
        except StaleVersion:
            stale.append(n)
        except BaseException as error:  # any other failure is collected and asserted below
            errors.append(error)
        finally:
            connection.close()

    run_threads(2, enter)

    assert errors == []
    assert (len(saved), len(stale)) == (1, 1)
    stored = ActualValue.objects.get(indicator=indicator3, org_unit=liunan, period="2019-Q2")
    assert (stored.value, stored.version) == (saved[0], 1)
