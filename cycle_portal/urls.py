from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from core import media
from events.views import HomeView

from . import seo

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("robots.txt", seo.robots_txt, name="robots"),
    path("sitemap.xml", seo.sitemap, name="sitemap"),
    path("favicon.ico", seo.favicon),
]

# Uploads (organisations' logos): only the public images, through a view that checks them,
# with DEBUG on or off alike. (django.conf.urls.static would serve any file in DEBUG only, and
# is decided when this module is imported.) Django gives MEDIA_URL its leading slash at
# start-up; a route has none.
urlpatterns += [
    path(f"{settings.MEDIA_URL.lstrip('/')}<path:path>", media.serve_upload, name="media")
]

urlpatterns += i18n_patterns(
    path("", HomeView.as_view(), name="home"),
    path("", include("events.urls")),
    path("", include("themes.urls")),
    path("", include("participants.urls")),
    path("", include("search.urls")),
    path("admin/", admin.site.urls),
    prefix_default_language=True,
)

admin.site.site_header = _("Cycle of meetings — administration")
admin.site.site_title = _("Cycle portal")
admin.site.index_title = _("Content and registrations")
