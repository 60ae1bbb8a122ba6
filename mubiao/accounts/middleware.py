"""The request's user is the actor of whatever the request changes without a service naming one."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from mubiao.audit.acting import acting_as
from mubiao.audit.models import Door
from mubiao.audit.services import Actor


def request_door(request: HttpRequest) -> str:
    if request.path.startswith(reverse("admin:index")):
        return Door.ADMIN
    if request.path.startswith("/api/"):
        return Door.API
    return Door.WEB


class ActingUserMiddleware:
    """Sets mubiao.audit.acting's actor for the request (after authentication, which may come later:
    the API authenticates tokens in its views, so the user is looked up only when a change is recorded)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with acting_as(lambda: Actor.for_user(request.user, request_door(request))):
            return self.get_response(request)
