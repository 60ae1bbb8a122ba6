"""Who is acting, for changes that reach the database without a service call that names them.

Services take an Actor argument. Django's own writes do not: `createsuperuser`, `changepassword`, the
admin's user pages, a password-hash upgrade. Signal handlers that record those changes (see
mubiao/accounts/signals.py) ask `current_actor()`, which each door sets: the command line for the
whole run, a middleware for each web, admin or API request. Innermost wins, so a service that passes
its own Actor down (`with acting_as(actor):`) overrides the door's.

This module imports no models: the command line sets the actor before Django is set up.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mubiao.audit.services import Actor

#: Made lazily: a request's user is known only once authentication (DRF's token among it) has run.
_actor_factory: ContextVar[Callable[[], Actor] | None] = ContextVar("mubiao_acting", default=None)
#: Set while a service writes its own audit record for the changes it makes, so recorders stand aside.
_recorded_by_caller: ContextVar[bool] = ContextVar("mubiao_recorded_by_caller", default=False)


@contextmanager
def acting_as(actor: Actor | Callable[[], Actor]) -> Iterator[None]:
    """Changes made inside are attributed to `actor` (or to what the callable returns when asked)."""
    factory = actor if callable(actor) else (lambda: actor)
    token = _actor_factory.set(factory)
    try:
        yield
    finally:
        _actor_factory.reset(token)


def _command_line_actor() -> Actor:
    from mubiao.audit.services import Actor

    return Actor.command_line()


def acting_from_command_line() -> AbstractContextManager[None]:
    """For the `mubiao` command: everything it changes is the command-line operator's doing."""
    return acting_as(_command_line_actor)


def current_actor() -> Actor:
    """The actor the innermost door or service named; the system itself when none did."""
    from mubiao.audit.models import Door
    from mubiao.audit.services import Actor

    factory = _actor_factory.get()
    return factory() if factory is not None else Actor(door=Door.SYSTEM, label="系统")


@contextmanager
def recorded_by_caller() -> Iterator[None]:
    """The caller writes the audit record for the changes made inside; signal recorders skip them."""
    token = _recorded_by_caller.set(True)
    try:
        yield
    finally:
        _recorded_by_caller.reset(token)


def is_recorded_by_caller() -> bool:
    return _recorded_by_caller.get()
