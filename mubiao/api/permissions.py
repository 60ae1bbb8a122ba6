"""Who may use the API: the one place to change it.

Every API view takes its permission classes from here, so when authentication arrives a single
edit here scopes the whole API (and its documentation) at once.
"""

from __future__ import annotations

from collections.abc import Sequence

from rest_framework.permissions import AllowAny, BasePermission

#: Reading plans, indicators, units, targets and findings. Open to anyone until accounts arrive.
API_PERMISSION_CLASSES: Sequence[type[BasePermission]] = (AllowAny,)

#: Reading the OpenAPI schema, Swagger UI and ReDoc.
DOCS_PERMISSION_CLASSES: Sequence[type[BasePermission]] = (AllowAny,)
