"""Chinese is the language of record: the pages speak it unless the user picks English."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse


class ChineseUnlessChosenMiddleware:
    """Ignore the browser's Accept-Language on the pages; the language switch (a cookie) decides.

    Office machines often run browsers set to English, and a page in English by surprise is a page
    nobody in the bureau can check against the published table. The API keeps honouring
    Accept-Language, since its clients are programs that ask for what they want.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith("/api/"):
            request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)
