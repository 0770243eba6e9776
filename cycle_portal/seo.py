"""robots.txt and sitemap.xml: what search engines may crawl, and every public page in both
languages with its translations (hreflang alternates)."""

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps.views import sitemap as sitemap_view
from django.http import HttpResponsePermanentRedirect
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import translation
from django.views.decorators.http import require_safe

from events.models import Meeting, Organisation
from themes.models import Finding, Theme
from themes.selectors import public_recommendations


class PortalSitemap(Sitemap):
    """Each page in every language, each with the links to its translations."""

    i18n = True
    alternates = True

    def get_urls(self, page=1, site=None, protocol=None):
        urls = super().get_urls(page=page, site=site, protocol=protocol)
        # Django's own x-default drops the language prefix, which this site always has: the
        # default language's address is the x-default here.
        for url in urls:
            default = next(
                alternate["location"]
                for alternate in url["alternates"]
                if alternate["lang_code"] == settings.LANGUAGE_CODE
            )
            url["alternates"].append({"lang_code": "x-default", "location": default})
        return urls


class PageSitemap(PortalSitemap):
    def items(self):
        return [
            "home",
            "events:list",
            "themes:list",
            "themes:explorer",
            "themes:recommendations",
            "events:about",
            "events:accessibility",
            "participants:privacy",
        ]

    def location(self, name):
        return reverse(name)


class MeetingSitemap(PortalSitemap):
    def items(self):
        return Meeting.objects.public().only("slug", "updated_at").order_by("-start", "pk")

    def lastmod(self, meeting):
        return meeting.updated_at


class ThemeSitemap(PortalSitemap):
    def items(self):
        return Theme.objects.only("slug")

    def location(self, theme):
        return reverse("themes:detail", kwargs={"slug": theme.slug})


class FindingSitemap(PortalSitemap):
    """Opportunities and risks: a recommendation's page is that of its follow-up (below)."""

    def items(self):
        return (
            Finding.objects.public()
            .exclude(kind=Finding.Kind.RECOMMENDATION)
            .only("pk", "kind")
            .order_by("meeting_id", "pk")
        )


class RecommendationSitemap(PortalSitemap):
    """Each public recommendation's follow-up page, modified when its status last changed."""

    def items(self):
        return (
            public_recommendations()
            .only("pk", "kind", "follow_up_date")
            .order_by("meeting_id", "pk")
        )

    def lastmod(self, recommendation):
        return recommendation.follow_up_date


class OrganisationSitemap(PortalSitemap):
    """Organisations that organised a public meeting."""

    def items(self):
        return (
            Organisation.objects.filter(meeting_roles__meeting__in=Meeting.objects.public())
            .only("slug")
            .distinct()
            .order_by("slug")
        )

    def location(self, organisation):
        return reverse("events:organisation", kwargs={"slug": organisation.slug})


SITEMAPS = {
    "pages": PageSitemap,
    "events": MeetingSitemap,
    "themes": ThemeSitemap,
    "findings": FindingSitemap,
    "recommendations": RecommendationSitemap,
    "organisations": OrganisationSitemap,
}


@require_safe
def sitemap(request):
    return sitemap_view(request, sitemaps=SITEMAPS)


def _without_token(name: str) -> str:
    """The address of a personal link without its token: `/fr/inscription/confirmer/`."""
    path = reverse(name, kwargs={"token": "-"})
    return path.removesuffix("-/")


def disallowed_paths() -> list[str]:
    """The admin, and the personal links of registrations, in every language."""
    paths = []
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            paths += [
                reverse("admin:index"),
                _without_token("participants:confirm"),
                _without_token("participants:manage"),
            ]
    return paths


@require_safe
def robots_txt(request):
    return render(
        request,
        "seo/robots.txt",
        {
            "disallowed": disallowed_paths(),
            "sitemap_url": request.build_absolute_uri(reverse("sitemap")),
        },
        content_type="text/plain; charset=utf-8",
    )


def favicon(request):
    """Browsers ask for /favicon.ico whatever the page declares: send them to the icon."""
    return HttpResponsePermanentRedirect(static("favicon.svg"))
