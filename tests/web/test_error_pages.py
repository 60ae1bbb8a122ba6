"""Errors answer with the site's own pages, in Chinese or English; no debug page unless switched on."""

from __future__ import annotations

import os
import subprocess
import sys

import lxml.html
import pytest
from django.conf import settings as django_settings
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.urls import include, path

from mubiao.urls import handler400 as site_handler400

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]


def forbidden(request: HttpRequest) -> HttpResponse:
    raise PermissionDenied("只有管理员可以打开此页")


def broken(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a bug, with a secret detail")


def suspicious(request: HttpRequest) -> HttpResponse:
    raise SuspiciousOperation("a file name of 900 characters")


# The site's own URLs, and two test-only pages that fail.
urlpatterns = [
    path("test-only/forbidden/", forbidden),
    path("test-only/broken/", broken),
    path("test-only/suspicious/", suspicious),
    path("", include("mubiao.urls")),
]
handler400 = site_handler400  # as the site's own URL map names it


def parse(response: HttpResponse) -> lxml.html.HtmlElement:
    return lxml.html.fromstring(response.content.decode("utf-8"))


def heading(response: HttpResponse) -> str:
    return " ".join(parse(response).xpath("string(//h1)").split())


@pytest.fixture
def english(client):
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_debugging_is_off_unless_switched_on_explicitly() -> None:
    def debug_with(environment: dict[str, str]) -> str:
        env = {key: value for key, value in os.environ.items() if key != "MUBIAO_DEBUG"} | environment
        probe = "import mubiao.settings as s; print(s.DEBUG, s.ALLOWED_HOSTS)"
        return subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True).stdout.strip()

    assert debug_with({}) == "False ['127.0.0.1', 'localhost', 'testserver']"
    assert debug_with({"MUBIAO_DEBUG": "1"}).startswith("True ")


def test_an_unknown_url_answers_the_sites_404_page_without_listing_url_patterns(client) -> None:
    response = client.get("/no-such-page/at-all/")

    html = response.content.decode()
    assert response.status_code == 404
    assert heading(response) == "找不到页面"
    assert parse(response).xpath("//p[@class='status-code']/text()") == ["404"]
    assert "/no-such-page/at-all/" in html
    for debug_words in ("URLconf", "Django tried", "test-only/", "Traceback"):
        assert debug_words not in html


def test_the_404_page_speaks_english_when_english_is_chosen(english) -> None:
    response = english.get("/no-such-page/")

    assert response.status_code == 404
    assert heading(response) == "Page not found"


def test_a_refusal_answers_the_sites_403_page_with_the_reason(client) -> None:
    response = client.get("/test-only/forbidden/")

    assert response.status_code == 403
    assert heading(response) == "无权访问"
    assert parse(response).xpath("//p[@class='denied-message']/text()") == ["只有管理员可以打开此页"]
    assert parse(response).xpath("//a[@class='button']/@href") == ["/"]


def test_the_403_page_speaks_english_when_english_is_chosen(english) -> None:
    assert heading(english.get("/test-only/forbidden/")) == "Access denied"


def test_a_crash_answers_the_sites_500_page_without_the_error(client) -> None:
    client.raise_request_exception = False

    response = client.get("/test-only/broken/")

    html = response.content.decode()
    assert response.status_code == 500
    assert heading(response) == "服务器出错"
    assert parse(response).xpath("//html/@lang") == ["zh-hans"]
    assert "secret detail" not in html and "Traceback" not in html


def test_the_500_page_speaks_english_when_english_is_chosen(english) -> None:
    english.raise_request_exception = False

    response = english.get("/test-only/broken/")

    assert response.status_code == 500
    assert heading(response) == "Server error"


def test_a_request_the_site_cannot_take_answers_the_sites_400_page(client) -> None:
    response = client.get("/test-only/suspicious/")

    assert response.status_code == 400
    assert heading(response) == "请求有误"
    assert "900 characters" not in response.content.decode()


def test_a_form_sent_without_its_token_answers_the_sites_403_page_saying_what_to_do(seed_plan) -> None:
    client = Client(enforce_csrf_checks=True)

    response = client.post("/accounts/login/", {"username": "someone", "password": "x"})

    html = response.content.decode()
    assert response.status_code == 403
    assert heading(response) == "无权访问"
    assert "表单已过期（可能在其他窗口重新登录过），请返回上一页、刷新后再提交。" in html
    assert "DEBUG" not in html
