"""Who may use the API: the one place to change it.

Every API view takes its permission classes from here. Reading plans, indicators, units, targets,
findings and (approved) progress stays open; the reporting endpoints need a signed-in user (a token,
or a session) — what that user may then do to which unit's figure is decided by the one permission
layer of every door, `mubiao.accounts.permissions`, inside the workflow services.
"""

from __future__ import annotations

from collections.abc import Sequence

from rest_framework.permissions import AllowAny, BasePermission, IsAuthenticated

#: Reading plans, indicators, units, targets, findings and approved progress: open to anyone.
API_PERMISSION_CLASSES: Sequence[type[BasePermission]] = (AllowAny,)

#: Due lists, the review queue, entering and reviewing figures, history and evidence: signed-in users.
REPORTING_PERMISSION_CLASSES: Sequence[type[BasePermission]] = (IsAuthenticated,)

#: Reading the OpenAPI schema, Swagger UI and ReDoc.
DOCS_PERMISSION_CLASSES: Sequence[type[BasePermission]] = (AllowAny,)
