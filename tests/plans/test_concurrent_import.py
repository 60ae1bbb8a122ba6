"""Two people importing the same table at the same moment, on a real PostgreSQL server."""

import threading

import pytest
from django.db import connection

from mubiao.plans.models import Plan, Target
from mubiao.plans.services import ImportOutcome
from mubiao.reporting.importing import import_table

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="SQLite serialises its writers; the race needs a server"
    ),
]


@pytest.mark.usefixtures("no_seed_plan")
def test_two_imports_of_the_same_table_at_once_both_answer_and_store_it_once(liuzhou, seed_bytes, actor) -> None:
    start = threading.Barrier(2)
    outcomes: list[ImportOutcome] = []
    errors: list[BaseException] = []

    def importer() -> None:
        try:
            start.wait()
            outcomes.append(import_table(content=seed_bytes, filename="seed.txt", actor=actor))
        except BaseException as error:  # any failure is collected and asserted below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=importer) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert len(outcomes) == 2
    assert sorted(outcome.counts["created"] for outcome in outcomes) == [0, 390]
    assert Plan.objects.count() == 1
    assert Target.objects.count() == 377
