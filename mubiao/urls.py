"""URL map: the pages, the admin, the API and its documentation."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", include("mubiao.api.urls")),
    path("admin/", admin.site.urls),
    path("accounts/", include("mubiao.accounts.urls")),
    path("", include("mubiao.web.urls")),
]

# The site's own pages where Django would answer with its bare ones (403, 404 and 500 are templates).
handler400 = "mubiao.web.views.bad_request"

admin.site.site_header = "mubiao 目标分解管理后台"
admin.site.site_title = "mubiao"
admin.site.index_title = "数据管理"
