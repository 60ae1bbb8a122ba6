"""The API's pages: ?limit= and ?offset=, with a ceiling on the page size.

Without one, a limit beyond the database's integers (?limit=99999999999999999999) reached the SQL
and came back as a server error; now any larger limit gives the largest page.
"""

from __future__ import annotations

from rest_framework.pagination import LimitOffsetPagination

MAX_PAGE = 1000


class LimitOffsetPages(LimitOffsetPagination):
    max_limit = MAX_PAGE
