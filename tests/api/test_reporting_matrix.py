"""The API half of the permission matrix: every role × every reporting action, as an explicit table.

The figure is 柳南's 高新技术企业 (indicator 3, led by 市科技局) for 2019-Q2, in the state each action
needs. A forbidden request is answered 403 — or 404 when the caller may not even see the figure —
writes nothing, and leaves one "denied" security event naming the caller. An allowed one succeeds.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from mubiao.audit.models import AuditRecord
from mubiao.orgunits.models import OrgUnit
from mubiao.plans.models import Indicator
from mubiao.reporting.models import ActualStatus, ActualValue
from tests.api.test_reporting import (  # noqa: F401  (fixtures)
    PDF_BYTES,
    Person,
    chengzhong,
    evidence_root,
    keji,
    liunan,
    make_figure,
    people,
    renshe,
    stored_state,
)

pytestmark = pytest.mark.django_db

ACTIONS = ("enter", "update", "submit", "approve", "return", "unlock", "history", "evidence")

# fmt: off
#: What each role gets for each action. 2xx: done. 403: refused. 404: refused, and the figure is not
#: even visible to the caller (a pending figure outside their scope).
EXPECTED: dict[str, tuple[int, ...]] = {
    #                  enter update submit approve return unlock history evidence
    "admin":          (201,  200,   200,   200,    200,   200,   200,    201),
    "reviewer_own":   (403,  403,   403,   200,    200,   403,   200,    403),
    "reviewer_other": (403,  404,   404,   404,    404,   403,   404,    404),
    "reporter_own":   (201,  200,   200,   403,    403,   403,   200,    201),
    "reporter_other": (403,  404,   404,   404,    404,   403,   404,    404),
    "viewer":         (403,  403,   403,   403,    403,   403,   200,    403),
    "no_role":        (403,  404,   404,   404,    404,   403,   404,    404),
}
# fmt: on

#: The state the figure is in before each action (None: there is no figure yet).
STARTING_STATE = {
    "enter": None,
    "update": ActualStatus.DRAFT,
    "submit": ActualStatus.DRAFT,
    "approve": ActualStatus.SUBMITTED,
    "return": ActualStatus.SUBMITTED,
    "unlock": ActualStatus.APPROVED,
    "history": ActualStatus.DRAFT,
    "evidence": ActualStatus.DRAFT,
}

CASES = [(role, action, codes[index]) for role, codes in EXPECTED.items() for index, action in enumerate(ACTIONS)]


def test_the_matrix_covers_every_role_and_every_action() -> None:
    assert len(EXPECTED) == 7
    assert all(len(row) == len(ACTIONS) for row in EXPECTED.values())
    assert len(CASES) == 56


def request(client: APIClient, action: str, figure: ActualValue | None, indicator: Indicator, unit: OrgUnit) -> Any:
    if action == "enter":
        new = {"indicator": indicator.pk, "unit": unit.pk, "period": "2019-Q3", "value": "5"}
        return client.post("/api/actuals/", new, format="json")
    assert figure is not None
    url = f"/api/actuals/{figure.pk}/"
    if action == "update":
        return client.patch(url, {"value": "31", "version": figure.version}, format="json")
    if action == "history":
        return client.get(f"{url}history/")
    if action == "evidence":
        upload = SimpleUploadedFile("名单.pdf", PDF_BYTES, content_type="application/pdf")
        return client.post(f"{url}evidence/", {"file": upload}, format="multipart")
    body: dict[str, Any] = {"version": figure.version}
    if action in {"return", "unlock"}:
        body["reason"] = "核对口径"
    return client.post(f"{url}{action}/", body, format="json")


@pytest.mark.parametrize(("role", "action", "expected"), CASES, ids=[f"{r}-{a}" for r, a, _e in CASES])
def test_each_role_may_do_exactly_what_the_table_says_through_the_api(
    people: dict[str, Person],  # noqa: F811
    high_tech: Indicator,
    liunan: OrgUnit,  # noqa: F811
    role: str,
    action: str,
    expected: int,
) -> None:
    state = STARTING_STATE[action]
    figure = make_figure(high_tech, liunan, status=state) if state is not None else None
    caller = people[role]
    before = stored_state()
    denied_before = AuditRecord.objects.filter(action="denied", actor=caller.user).count()

    answer = request(caller.client, action, figure, high_tech, liunan)

    assert answer.status_code == expected, (role, action, getattr(answer, "data", answer.content))
    denied = AuditRecord.objects.filter(action="denied", actor=caller.user).count() - denied_before
    if expected >= 400:
        assert stored_state() == before, "a refused request wrote something"
        assert denied == 1, "a refusal is recorded as a security event"
        if expected == 404:
            assert answer.json() == {"detail": f"编号为 {figure.pk if figure else ''} 的实际值不存在。"}
        else:
            assert answer.json()["detail"].startswith("无权")
    else:
        assert denied == 0
        if action == "history":
            assert stored_state() == before, "reading the history writes nothing"
        else:
            assert stored_state() != before
            assert AuditRecord.objects.exclude(action="denied").latest("id").door == "api"
