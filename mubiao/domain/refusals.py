"""Refusals as data: a code, the field it concerns, and the parameters its words need.

The domain core and the services say *why* something is refused; they never write the sentence.
Each door (web, API, command line) renders a refusal's words in the user's language through
`mubiao.refusals.refusal_text`, and puts it under the field the refusal names — no door ever
parses a message to find out which field it belongs to.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar


@dataclass(frozen=True)
class Refusal:
    """One reason a request is refused.

    `code` names the rule (`value_not_whole`, `period_outside_plan` …); `field` the input it is about
    (`value`, `period`, `note`, `reason`, `version`, or "" for the request as a whole); `params` the
    values its words quote, as plain strings and numbers.
    """

    code: str
    field: str = ""
    params: Mapping[str, Any] = dataclasses.field(default_factory=dict)


class Refused(Exception):
    """One or more refusals; nothing was written.

    Services of the Django layers subclass it; once mubiao.refusals is loaded (it is, by the
    reporting app), `str(error)` gives the words in the active language, so a caller that prints
    an error reads a sentence.
    """

    def __init__(self, *refusals: Refusal) -> None:
        if not refusals:
            raise ValueError("a refusal needs at least one reason")
        self.refusals: tuple[Refusal, ...] = refusals
        super().__init__(refusals[0].code)

    @property
    def refusal(self) -> Refusal:
        """The first (often the only) reason."""
        return self.refusals[0]

    @property
    def code(self) -> str:
        return self.refusals[0].code

    @property
    def field(self) -> str:
        return self.refusals[0].field

    #: How a refusal becomes words: set by the layer that has them (mubiao.refusals, with gettext);
    #: the pure core alone shows codes and parameters.
    render: ClassVar[Callable[[Refusal], str] | None] = None

    def __str__(self) -> str:
        render = Refused.render
        if render is None:
            return "; ".join(f"{r.code}{dict(r.params)}" for r in self.refusals)
        return "；".join(render(r) for r in self.refusals)
