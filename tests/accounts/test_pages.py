"""Signing in and out, the lockout after five wrong passwords, and "my account" with its API token."""

from __future__ import annotations

import re
from typing import Any

import lxml.html
import pytest
from axes.models import AccessAttempt
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token

from mubiao.audit.models import AuditRecord
from tests.accounts.conftest import GOOD_PASSWORD

pytestmark = pytest.mark.django_db

LOCKED_OUT = "账号“li”从当前地址（127.0.0.1）连续 5 次登录失败，已暂停从此地址登录。"


@pytest.fixture(autouse=True)
def lockout_page(settings):
    """The setting the lead adds to settings.py: django-axes answers a lockout with our page."""
    settings.AXES_LOCKOUT_CALLABLE = "mubiao.accounts.views.locked_out"


def page(response: HttpResponse) -> lxml.html.HtmlElement:
    return lxml.html.fromstring(response.content.decode("utf-8"))


def texts(response: HttpResponse, xpath: str) -> list[str]:
    return [" ".join(element.text_content().split()) for element in page(response).xpath(xpath)]


def sign_in(client: Client, username: str, password: str) -> Any:
    return client.post(reverse("login"), {"username": username, "password": password})


def signed_in_user_id(client: Client) -> str | None:
    return client.session.get("_auth_user_id")


def test_the_login_page_is_in_chinese_with_a_username_and_password_form(client) -> None:
    response = client.get(reverse("login"))

    assert response.status_code == 200
    assert texts(response, "//h1") == ["登录"]
    assert texts(response, "//form[@class='auth-form']/label") == ["用户名", "密码"]
    assert page(response).xpath("//form[@class='auth-form']/@action") == ["/accounts/login/"]


def test_a_good_password_signs_in_and_goes_to_the_plans(make_user, client) -> None:
    user = make_user("li", ("viewer", None))

    response = sign_in(client, "li", GOOD_PASSWORD)

    assert (response.status_code, response["Location"]) == (302, "/")
    assert signed_in_user_id(client) == str(user.pk)


def test_sign_in_returns_to_the_page_asked_for(make_user, client) -> None:
    make_user("li")

    response = client.post(reverse("login"), {"username": "li", "password": GOOD_PASSWORD, "next": "/accounts/me/"})

    assert response["Location"] == "/accounts/me/"


def test_a_wrong_password_is_refused_with_a_warning_about_the_lockout(make_user, client) -> None:
    make_user("li")

    response = sign_in(client, "li", "wrong-password")

    assert response.status_code == 200
    warning = "用户名或密码不正确。同一账号从同一地址连续输错 5 次，将暂停登录 15 分钟。"
    assert texts(response, "//div[@class='auth-error']/p") == [warning]
    assert signed_in_user_id(client) is None


def test_a_disabled_user_cannot_sign_in(make_user, client, cli_actor) -> None:
    from mubiao.accounts.services import user_disable

    user_disable(actor=cli_actor, user=make_user("gone"), reason="离职")

    assert sign_in(client, "gone", GOOD_PASSWORD).status_code == 200
    assert signed_in_user_id(client) is None


def test_five_wrong_passwords_lock_the_account_and_the_right_one_is_then_refused(make_user, client) -> None:
    make_user("li")
    answers = [sign_in(client, "li", f"wrong-password-{n}") for n in range(5)]

    assert [answer.status_code for answer in answers] == [200, 200, 200, 200, 429]
    assert texts(answers[-1], "//h1") == ["暂停登录"]
    assert texts(answers[-1], "//div[@class='auth-error']/p") == [
        LOCKED_OUT,
        "请在 15 分钟后再试，或联系管理员解锁。其他账号不受影响。",
    ]

    sixth = sign_in(client, "li", GOOD_PASSWORD)

    assert sixth.status_code == 429
    assert LOCKED_OUT in texts(sixth, "//div[@class='auth-error']/p")
    assert sixth["Retry-After"] == "900"
    assert signed_in_user_id(client) is None
    assert AccessAttempt.objects.get(username="li").failures_since_start >= 5


def test_four_wrong_passwords_do_not_lock_the_account(make_user, client) -> None:
    make_user("li")
    for n in range(4):
        sign_in(client, "li", f"wrong-password-{n}")

    assert sign_in(client, "li", GOOD_PASSWORD).status_code == 302
    assert signed_in_user_id(client) is not None


def test_logout_by_post_ends_the_session_and_says_so(make_user, client) -> None:
    make_user("li")
    sign_in(client, "li", GOOD_PASSWORD)

    response = client.post(reverse("logout"), follow=True)

    assert response.redirect_chain == [("/accounts/login/", 302)]
    assert texts(response, "//p[@class='auth-notice']") == ["已退出登录。"]
    assert signed_in_user_id(client) is None
    assert client.get(reverse("account"))["Location"] == "/accounts/login/?next=/accounts/me/"


def test_logout_by_get_is_not_allowed_and_keeps_the_session(make_user, client) -> None:
    make_user("li")
    sign_in(client, "li", GOOD_PASSWORD)

    assert client.get(reverse("logout")).status_code == 405
    assert signed_in_user_id(client) is not None


def test_the_top_bar_shows_a_login_link_to_visitors_and_name_roles_and_logout_to_users(
    seed_plan, make_user, client
) -> None:
    assert texts(client.get("/"), "//header//a[@class='account-login']") == ["登录"]
    make_user("li", ("reporter", "柳南"), ("reviewer", "市科技局"), full_name="李四")
    sign_in(client, "li", GOOD_PASSWORD)

    home = client.get("/")

    assert texts(home, "//header//a[@class='account-name']") == ["李四"]
    assert texts(home, "//header//span[@class='account-roles']") == ["填报人（柳南）、审核人（市科技局）"]
    assert page(home).xpath("//header//form[@class='account-logout']/@method") == ["post"]
    assert page(home).xpath("//header//a[@class='account-login']") == []


def test_my_account_lists_each_role_with_its_scope_and_what_it_allows(seed_plan, make_user, client) -> None:
    make_user("li", ("reporter", "柳南"), ("viewer", None))
    sign_in(client, "li", GOOD_PASSWORD)

    response = client.get(reverse("account"))

    assert response.status_code == 200
    rows = page(response).xpath("//table[@class='list']/tbody/tr")
    assert [[cell.text_content() for cell in row.xpath("./td")] for row in rows] == [
        ["填报人（柳南）", "填报并提交本单位及下属单位的数据"],
        ["查看人", "查看全部数据，包括未审核的，不能修改"],
    ]
    assert "no-store" in response["Cache-Control"]


def test_my_account_issues_an_api_token_shown_once_that_the_api_accepts(make_user, client) -> None:
    user = make_user("analyst", ("viewer", None))
    sign_in(client, "analyst", GOOD_PASSWORD)

    issued = client.post(reverse("account_token"))

    (shown,) = texts(issued, "//code[@id='api-token']")
    assert re.fullmatch(r"[0-9a-f]{40}", shown)
    assert Token.objects.get(user=user).key == shown
    assert "no-store" in issued["Cache-Control"]
    later = client.get(reverse("account"))
    assert shown not in later.content.decode()
    assert texts(later, "//div[contains(@class, 'account-token')]/p") == [
        "你已有一个 API 令牌。签发新令牌后，旧令牌立即作废。"
    ]
    api = Client(HTTP_AUTHORIZATION=f"Token {shown}")
    assert api.get("/api/plans/").status_code == 200
    assert AuditRecord.objects.filter(action="token", door="web", actor_label="analyst").count() == 1


def test_a_token_is_issued_only_by_post(make_user, client) -> None:
    make_user("li")
    sign_in(client, "li", GOOD_PASSWORD)

    assert client.get(reverse("account_token")).status_code == 405
    assert not Token.objects.exists()


def test_a_visitor_is_sent_to_the_login_page_for_my_account_and_tokens(client) -> None:
    assert client.get(reverse("account"))["Location"] == "/accounts/login/?next=/accounts/me/"
    assert client.post(reverse("account_token"))["Location"] == "/accounts/login/?next=/accounts/me/token/"
    assert not Token.objects.exists()


def test_changing_ones_password_needs_the_old_one_checks_the_rules_and_is_audited(make_user, client) -> None:
    user = make_user("li")
    sign_in(client, "li", GOOD_PASSWORD)
    url = reverse("password_change")

    weak = client.post(url, {"old_password": GOOD_PASSWORD, "new_password1": "12345", "new_password2": "12345"})
    assert weak.status_code == 200
    changed = client.post(
        url, {"old_password": GOOD_PASSWORD, "new_password1": "Another-Pass-99", "new_password2": "Another-Pass-99"}
    )

    assert changed["Location"] == "/accounts/me/"
    user.refresh_from_db()
    assert user.check_password("Another-Pass-99")
    assert signed_in_user_id(client) == str(user.pk)
    assert AuditRecord.objects.filter(action="password", object_id=str(user.pk)).count() == 1


def test_a_user_name_with_a_null_character_is_refused_with_a_message(client) -> None:
    response = client.post("/accounts/login/", {"username": "a\x00b", "password": "x"})

    [alert] = texts(response, "//div[@class='auth-error']/p")
    assert response.status_code == 200
    assert alert.startswith("用户名：") and len(alert) > len("用户名：")
