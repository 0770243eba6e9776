"""robots.txt and sitemap.xml (to be written: issue 4, open data)."""

from django.http import Http404


def robots_txt(request):
    raise Http404


def sitemap(request):
    raise Http404
