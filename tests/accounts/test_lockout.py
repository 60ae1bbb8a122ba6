"""The lockout after five wrong passwords holds for one username from one address, and says so."""

from __future__ import annotations

from typing import Any

import lxml.html
import pytest
from django.test import Client
from django.urls import reverse

from tests.accounts.conftest import GOOD_PASSWORD

pytestmark = pytest.mark.django_db

OFFICE = "10.20.0.1"  # a whole bureau behind one NAT address
HOME = "10.30.0.7"


def sign_in(client: Client, username: str, password: str, address: str) -> Any:
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address)


def paragraphs(response: Any) -> list[str]:
    page = lxml.html.fromstring(response.content.decode("utf-8"))
    return [" ".join(p.text_content().split()) for p in page.xpath("//div[@class='auth-error']/p")]


@pytest.fixture
def li_locked_out_at_the_office(make_user, client) -> list[Any]:
    make_user("li")
    make_user("wang")
    return [sign_in(client, "li", f"wrong-password-{n}", OFFICE) for n in range(5)]


def test_five_wrong_passwords_lock_out_that_username_from_that_address(li_locked_out_at_the_office, client) -> None:
    answers = li_locked_out_at_the_office

    assert [answer.status_code for answer in answers] == [200, 200, 200, 200, 429]
    again = sign_in(client, "li", GOOD_PASSWORD, OFFICE)
    assert again.status_code == 429
    assert again["Retry-After"] == "900"
    assert "_auth_user_id" not in client.session


def test_the_lockout_page_names_the_account_the_address_and_the_wait(li_locked_out_at_the_office, client) -> None:
    response = sign_in(client, "li", GOOD_PASSWORD, OFFICE)

    assert paragraphs(response) == [
        f"账号“li”从当前地址（{OFFICE}）连续 5 次登录失败，已暂停从此地址登录。",
        "请在 15 分钟后再试，或联系管理员解锁。其他账号不受影响。",
    ]


def test_another_user_behind_the_same_address_still_signs_in(li_locked_out_at_the_office, client) -> None:
    response = sign_in(client, "wang", GOOD_PASSWORD, OFFICE)

    assert response.status_code == 302
    assert client.session["_auth_user_id"]


def test_the_same_user_from_another_address_still_signs_in(li_locked_out_at_the_office, client) -> None:
    response = sign_in(client, "li", GOOD_PASSWORD, HOME)

    assert response.status_code == 302
    assert client.session["_auth_user_id"]


def test_wrong_passwords_for_many_names_from_one_address_lock_out_nobody(make_user, client) -> None:
    make_user("li")
    for n in range(6):
        sign_in(client, f"guess-{n}", "wrong-password", OFFICE)

    assert sign_in(client, "li", GOOD_PASSWORD, OFFICE).status_code == 302
