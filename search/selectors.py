"""What the search finds: meetings, findings, themes and organisations, in the page's language.

On PostgreSQL: full-text search with the `portal_fr` and `portal_en` configurations made by
`search/migrations/0001_initial.py` (words stemmed, accents ignored: `securite` finds
« sécurité »), a match in the title before a match in the text, with highlighted excerpts. On
SQLite, the quick start: every word must appear in the texts, compared case-insensitively.

A record whose title is missing in the page's language is shown in the other language (the
modeltranslation fallback), so it is searched in that language too: the search covers what
the pages show.
"""

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchVector
from django.core.paginator import Page, Paginator
from django.db import DatabaseError, DataError, connection, transaction
from django.db.models import (
    Case,
    Exists,
    OuterRef,
    Q,
    QuerySet,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Concat
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from events.models import Meeting, MeetingOrganiser, Organisation
from themes.models import Finding, Theme

logger = logging.getLogger(__name__)

MAX_QUERY_LENGTH = 200
PREVIEW_SIZE = 5  # results of each kind on the page of every kind
PER_PAGE = 20  # results on the page of one kind
# The text-search configuration of each language of the site: those themes/migrations/
# 0002_search.py creates (stemming, accents ignored); a language added to LANGUAGES without
# one of its own is searched with PostgreSQL's "simple" configuration (whole words, no
# stemming) until a migration gives it one.
PORTAL_CONFIGS = {"fr": "portal_fr", "en": "portal_en"}
CONFIGS = {code: PORTAL_CONFIGS.get(code, "simple") for code, _name in settings.LANGUAGES}
# ts_headline puts these around the words found; the excerpt is escaped, then they become
# <mark> tags. Private-use characters, which no text of the portal contains.
START, STOP = "\ue000", "\ue001"
EXCERPT = {"max_fragments": 2, "max_words": 25, "min_words": 12, "fragment_delimiter": " … "}


@dataclass(frozen=True)
class Kind:
    """One kind of result: where to search it, how to rank it and how to show it."""

    key: str
    heading: str
    title: str  # shown as the result's title; when missing, the other language is shown
    fields: tuple[str, ...]  # searched; as indexed by themes/migrations/0002_search.py
    title_fields: tuple[str, ...]  # a match there ranks first
    excerpt: tuple[str, ...]
    ordering: tuple[str, ...]
    queryset: Callable[[], QuerySet]
    url: Callable[[object], str]
    counted: Callable[[int], str]


def public_organisers() -> QuerySet:
    """Organisations that organised a meeting the public may see."""
    return Organisation.objects.filter(
        Exists(
            MeetingOrganiser.objects.filter(
                organisation=OuterRef("pk"), meeting__in=Meeting.objects.public()
            )
        )
    )


KINDS = {
    kind.key: kind
    for kind in [
        Kind(
            key="meetings",
            heading=_("Meetings"),
            title="title",
            # As the meetings list searches them; not the long descriptions, where the name of
            # the cycle (peace, stability, disarmament) would make every meeting match.
            fields=("title", "summary", "city"),
            title_fields=("title",),
            excerpt=("summary",),
            ordering=("-start", "pk"),
            queryset=Meeting.objects.public,
            url=lambda meeting: meeting.get_absolute_url(),
            counted=lambda n: ngettext("%(count)d meeting", "%(count)d meetings", n),
        ),
        Kind(
            key="findings",
            heading=_("Findings"),
            title="title",
            fields=("title", "text"),
            title_fields=("title",),
            excerpt=("text",),
            ordering=("-meeting__start", "kind", "order", "pk"),
            queryset=lambda: Finding.objects.public().select_related("meeting"),
            url=lambda finding: finding.get_absolute_url(),
            counted=lambda n: ngettext("%(count)d finding", "%(count)d findings", n),
        ),
        Kind(
            key="themes",
            heading=_("Themes"),
            title="name",
            fields=("name", "description"),
            title_fields=("name",),
            excerpt=("description",),
            ordering=("order", "pk"),
            queryset=Theme.objects.all,
            url=lambda theme: reverse("themes:detail", kwargs={"slug": theme.slug}),
            counted=lambda n: ngettext("%(count)d theme", "%(count)d themes", n),
        ),
        Kind(
            key="organisations",
            heading=_("Organisations"),
            title="name",
            fields=("name", "acronym", "description"),
            title_fields=("name", "acronym"),
            excerpt=("description",),
            ordering=("pk",),
            queryset=public_organisers,
            url=lambda organisation: reverse(
                "events:organisation", kwargs={"slug": organisation.slug}
            ),
            counted=lambda n: ngettext("%(count)d organisation", "%(count)d organisations", n),
        ),
    ]
}


@dataclass
class Results:
    kind: Kind
    items: list
    count: int
    page: Page | None = None  # on the page of one kind

    @property
    def counted(self) -> str:
        return self.kind.counted(self.count) % {"count": self.count}

    @property
    def has_more(self) -> bool:
        return self.count > len(self.items)


class SearchRejected(Exception):
    """The database could not read the visitor's search."""


def search(text: str, *, language: str, kind: str | None = None, page=1) -> list[Results]:
    """Every kind's first results, or one kind's page of results when `kind` is given.

    Two queries a kind, whatever the data: the count, then the page. Raises `InvalidPage`,
    and `SearchRejected` when the database cannot read the search.
    """
    other = next(code for code in CONFIGS if code != language)
    match = full_text if connection.vendor == "postgresql" else simple_match
    results = []
    try:
        # A savepoint: on PostgreSQL, a failed query spoils the rest of its transaction.
        with transaction.atomic():
            for each in [KINDS[kind]] if kind else KINDS.values():
                queryset = match(each, text, language, other).order_by("-rank", *each.ordering)
                size = PER_PAGE if kind else PREVIEW_SIZE
                found = Paginator(queryset, size).page(page if kind else 1)
                items = [shown(item, each, text, language, other) for item in found]
                results.append(Results(each, items, found.paginator.count, found if kind else None))
    except DatabaseError as error:
        if not rejected(error):
            raise
        # The state says what went wrong; the words searched stay out of the log.
        logger.warning(
            "The database rejected a search of %d characters: %s (%s)",
            len(text),
            type(error).__name__,
            getattr(error.__cause__, "sqlstate", None),
        )
        raise SearchRejected from error
    return results


# What the database says when it cannot read a search, rather than when it is unreachable or
# the code is wrong: invalid data, a tsquery syntax error, a limit exceeded, a statement
# timeout, and the internal error of a query nested too deep ("tsquery stack too small").
REJECTED_STATES = ("22", "42601", "54", "57014", "XX000")


def rejected(error: DatabaseError) -> bool:
    """Whether the database refused this search (rather than failed)."""
    state = getattr(error.__cause__, "sqlstate", None)
    if state is None:  # SQLite
        return isinstance(error, DataError)
    return state.startswith(REJECTED_STATES)


def missing(fields, language: str) -> Q:
    """Rows where these fields are all empty in this language (and shown in the other one)."""
    condition = Q()
    for field in fields:
        condition &= Q(**{f"{field}_{language}__isnull": True}) | Q(**{f"{field}_{language}": ""})
    return condition


def search_vector(fields, language: str) -> SearchVector:
    """The vector of these fields, as themes/migrations/0002_search.py indexes it."""
    return SearchVector(*[f"{field}_{language}" for field in fields], config=CONFIGS[language])


def headline(fields, query: SearchQuery, language: str, **options) -> SearchHeadline:
    columns = [f"{field}_{language}" for field in fields]
    document = (
        Coalesce(columns[0], Value(""), output_field=TextField())
        if len(columns) == 1
        # Concat() treats NULL as an empty text.
        else Concat(columns[0], Value(" "), *columns[1:], output_field=TextField())
    )
    return SearchHeadline(
        document, query, config=CONFIGS[language], start_sel=START, stop_sel=STOP, **options
    )


def full_text(kind: Kind, text: str, language: str, other: str) -> QuerySet:
    """Matching rows, a match in the title first, with their title and excerpt marked.

    Ranked by an indexed condition rather than by `SearchRank`: ts_rank would recompute the
    vector of every matching row (there is no stored vector column), which took seconds for a
    common word over 10,000 findings (scripts/bench_search.py).
    """
    queries = search_queries(text)
    translated = ~missing([kind.title], language)
    return matching(kind.queryset(), kind, queries, language, other).annotate(
        rank=Case(
            When(translated & Q(pk__in=in_titles(kind, queries, language)), then=Value(1)),
            When(~translated & Q(pk__in=in_titles(kind, queries, other)), then=Value(1)),
            default=Value(0),
        ),
        # Computed for the rows of the page only (PostgreSQL evaluates them after LIMIT).
        title_marked=shown_in(
            translated,
            headline([kind.title], queries[language], language, highlight_all=True),
            headline([kind.title], queries[other], other, highlight_all=True),
        ),
        excerpt_marked=shown_in(
            ~missing(kind.excerpt[:1], language),
            headline(kind.excerpt, queries[language], language, **EXCERPT),
            headline(kind.excerpt, queries[other], other, **EXCERPT),
        ),
    )


# websearch_to_tsquery() ignores these, but a run of minus signs between them still makes
# PostgreSQL nest one negation in another until it gives up ("tsquery stack too small").
IGNORED_OPERATORS = re.compile(r"[!&|()<>]")
MINUS_RUN = re.compile(r"-(?:\s*-)+")


def websearch_text(text: str) -> str:
    """The visitor's words as websearch_to_tsquery() reads them: words, "quoted phrases",
    `or`, and `-` before a word to leave it out; the operators it ignores are left out, and
    a run of minus signs counts as one."""
    return MINUS_RUN.sub("-", IGNORED_OPERATORS.sub(" ", text))


def search_queries(text: str) -> dict[str, SearchQuery]:
    """The visitor's words as a query in each language."""
    text = websearch_text(text)
    return {
        code: SearchQuery(text, config=config, search_type="websearch")
        for code, config in CONFIGS.items()
    }


def matching(queryset, kind: Kind, queries, language: str, other: str) -> QuerySet:
    """Rows matching in the language they are shown in: the page's, or the other language
    when the title is missing in the page's (each condition has its GIN index)."""
    return queryset.alias(
        # alias(), not annotate(): the vectors are only compared, never sent back.
        own_vector=search_vector(kind.fields, language),
        other_vector=search_vector(kind.fields, other),
    ).filter(
        Q(own_vector=queries[language])
        | (missing([kind.title], language) & Q(other_vector=queries[other]))
    )


def in_titles(kind: Kind, queries, language: str) -> QuerySet:
    """The ids of the rows whose title matches in this language."""
    return (
        kind.queryset()
        .model.objects.alias(title_vector=search_vector(kind.title_fields, language))
        .filter(title_vector=queries[language])
        .values("pk")
    )


def shown_in(translated: Q, own, other) -> Case:
    return Case(When(translated, then=own), default=other)


def simple_match(kind: Kind, text: str, language: str, other: str) -> QuerySet:
    """SQLite: each word somewhere in the texts; a match in the title first."""
    words = text.split()[:10]

    def every_word_in(fields, code) -> Q:
        condition = Q()
        for word in words:
            condition &= Q.create(
                [(f"{field}_{code}__icontains", word) for field in fields], connector=Q.OR
            )
        return condition

    fields = kind.fields
    translated = ~missing([kind.title], language)
    return (
        kind.queryset()
        .filter(
            (translated & every_word_in(fields, language))
            | (~translated & every_word_in(fields, other))
        )
        .annotate(
            rank=Case(
                When(
                    (translated & every_word_in(kind.title_fields, language))
                    | (~translated & every_word_in(kind.title_fields, other)),
                    then=Value(1),
                ),
                default=Value(0),
            )
        )
    )


def shown(item, kind: Kind, text: str, language: str, other: str):
    """The result with its link, and its title and excerpt as HTML with the words marked."""
    item.url = kind.url(item)
    source = displayed(item, kind.excerpt, language, other)
    if hasattr(item, "excerpt_marked"):
        item.excerpt_marked = with_ellipses(item.excerpt_marked.strip(), source)
    else:  # SQLite: marked here, more simply
        words = text.split()[:10]
        item.title_marked = mark_words(displayed(item, [kind.title], language, other), words)
        item.excerpt_marked = mark_words(passage(source, words), words)
    item.title_html = marked_html(item.title_marked)
    item.excerpt_html = marked_html(item.excerpt_marked)
    return item


def displayed(item, fields, language: str, other: str) -> str:
    code = language if getattr(item, f"{fields[0]}_{language}") else other
    return " ".join(getattr(item, f"{field}_{code}") or "" for field in fields).strip()


def with_ellipses(excerpt: str, source: str) -> str:
    """An ellipsis where the excerpt of ts_headline cuts the text."""
    plain = excerpt.replace(START, "").replace(STOP, "")
    if not plain:
        return excerpt
    start = "" if source.startswith(plain.split(" … ")[0]) else "… "
    end = "" if source.endswith(plain.split(" … ")[-1]) else " …"
    return start + excerpt + end


def passage(text: str, words, size: int = 30) -> str:
    """About `size` words of the text around the first word found."""
    tokens = text.split()
    lowered = [word.lower() for word in words]
    first = next(
        (i for i, token in enumerate(tokens) if any(w in token.lower() for w in lowered)), 0
    )
    start = max(first - size // 3, 0)
    excerpt = " ".join(tokens[start : start + size])
    return ("… " if start else "") + excerpt + (" …" if start + size < len(tokens) else "")


def mark_words(text: str, words) -> str:
    if not words:
        return text
    pattern = "|".join(re.escape(word) for word in sorted(words, key=len, reverse=True))
    return re.sub(pattern, lambda found: START + found[0] + STOP, text, flags=re.IGNORECASE)


def marked_html(text: str) -> SafeString:
    """Escape everything, then turn the sentinels into <mark> tags."""
    html = escape(text)
    return mark_safe(html.replace(START, "<mark>").replace(STOP, "</mark>"))  # noqa: S308
