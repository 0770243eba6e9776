"""What the search finds: meetings, findings, themes and organisations, in the page's language.

On PostgreSQL: full-text search with the `portal_fr` and `portal_en` configurations made by
`search/migrations/0001_initial.py` (words stemmed, accents ignored: `securite` finds
« sécurité »), on the vectors of meetings and findings that 0002_stored_vectors.py stores and
indexes, a match in the title before a match in the text, with highlighted excerpts; each
query stops early, so that the time does not grow with the data (docs/search.md). On SQLite,
the quick start: every word must appear in the texts, compared without case or accents
(search/folding.py).

A recommendation is also found by the words of its follow-up notes (its status updates'):
on PostgreSQL they are part of the finding's stored vectors (0004_status_update_notes.py), on
SQLite they are matched like the other texts; a result found only by a note shows that note
as its excerpt.

A record whose title is missing in the page's language is shown in the other language (the
modeltranslation fallback), so it is searched in that language too: the search covers what
the pages show.
"""

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchVector,
    SearchVectorField,
)
from django.core.paginator import Page, Paginator
from django.db import DatabaseError, DataError, connection, transaction
from django.db.models import (
    Aggregate,
    BooleanField,
    Case,
    Exists,
    Expression,
    Func,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Concat, NullIf
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from events.models import Meeting, MeetingOrganiser, Organisation
from themes.models import Finding, StatusUpdate, Theme

from .folding import Fold, fold, marked_spans

logger = logging.getLogger(__name__)

MAX_QUERY_LENGTH = 200
PREVIEW_SIZE = 5  # results of each kind on the page of every kind
PER_PAGE = 20  # results on the page of one kind
# Full-text counts stop here: beyond it, the page says "more than 500 findings". Counting
# reads the matching rows (their vectors): a capped count reads about as many rows on
# 100,000 findings as an exact one on 1,000 (docs/search.md).
COUNT_CAP = 500
# The text-search configuration of each language of the site: those search/migrations/
# 0001_initial.py creates (stemming, accents ignored); a language added to LANGUAGES without
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
    fields: tuple[str, ...]  # searched; as search/migrations/0002_stored_vectors.py stores them
    title_fields: tuple[str, ...]  # a match there ranks first
    excerpt: tuple[str, ...]
    ordering: tuple[str, ...]
    queryset: Callable[[], QuerySet]
    # Whether search/migrations/0002_stored_vectors.py stores the vectors of its table.
    stored: bool
    url: Callable[[object], str]
    counted: Callable[[int], str]
    # Whether the record is also found by the notes of its status updates (a recommendation's
    # follow-up): on PostgreSQL they are in its stored vectors (0004_status_update_notes.py).
    notes: bool = False


def public_organisers() -> QuerySet:
    """Organisations that organised a meeting the public may see."""
    return Organisation.objects.filter(
        Exists(
            MeetingOrganiser.objects.filter(
                organisation=OuterRef("pk"), meeting__in=Meeting.objects.public()
            )
        )
    )


class Joined(Aggregate):
    """Texts of a group joined with spaces: string_agg on PostgreSQL, group_concat on SQLite."""

    function = "STRING_AGG"
    template = "%(function)s(%(expressions)s, ' ')"
    output_field = TextField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, function="GROUP_CONCAT", **extra_context)


def notes(language: str, other: str) -> Subquery:
    """The notes of a finding's status updates, joined, as its page shows them in `language`:
    each in that language, or in the other where it has no translation."""
    shown = Coalesce(
        NullIf(f"note_{language}", Value("")), f"note_{other}", Value(""), output_field=TextField()
    )
    return Subquery(
        StatusUpdate.objects.filter(recommendation=OuterRef("pk"))
        .order_by()
        .values("recommendation")
        .annotate(joined=Joined(shown))
        .values("joined"),
        output_field=TextField(),
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
            stored=True,
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
            stored=True,
            url=lambda finding: finding.get_absolute_url(),
            counted=lambda n: ngettext("%(count)d finding", "%(count)d findings", n),
            notes=True,
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
            stored=False,  # a few dozen rows
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
            stored=False,  # a few hundred rows
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
        if self.count > COUNT_CAP:
            counted = self.kind.counted(COUNT_CAP) % {"count": COUNT_CAP}
            return _("more than %(counted)s") % {"counted": counted}
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
                rows = match(each, text, language, other)
                if isinstance(rows, QuerySet):  # the quick start's word match
                    rows = rows.order_by("-rank", *each.ordering)
                size = PER_PAGE if kind else PREVIEW_SIZE
                found = Paginator(rows, size).page(page if kind else 1)
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
    """The vector of these fields, computed row by row (the kinds without stored vectors)."""
    return SearchVector(*[f"{field}_{language}" for field in fields], config=CONFIGS[language])


class StoredVector(Expression):
    """A vector stored in a column of the table: `search_vector_<language>` (0002_stored_vectors
    .py: the title with weight A, the rest B) or `search_title_<language>` (0003_title_vectors
    .py: the title alone). The models do not know these columns."""

    output_field = SearchVectorField()

    def __init__(self, column: str):
        super().__init__()
        self.column = column

    def as_sql(self, compiler, connection):
        table = compiler.quote_name_unless_alias(compiler.query.get_initial_alias())
        return f"{table}.{self.column}", []


def stored(kind: Kind, language: str) -> bool:
    """Whether the kind's vectors in this language are stored (and indexed): only with the
    language's own configuration, with which the migration made them."""
    return kind.stored and CONFIGS[language] == PORTAL_CONFIGS.get(language)


def vector(kind: Kind, language: str):
    """The vector searched, in this language: stored, or computed row by row."""
    if stored(kind, language):
        return StoredVector(f"search_vector_{language}")
    return search_vector(kind.fields, language)


def matches(vector, query) -> Func:
    """`vector @@ query`, as a condition."""
    return Func(
        vector, query, template="%(expressions)s", arg_joiner=" @@ ", output_field=BooleanField()
    )


def title_match(kind: Kind, language: str, queries) -> Func:
    """Whether the title (rather than only the text) matches, in this language.

    On a stored title vector, which has its own statistics: PostgreSQL then knows whether few
    or many titles match, and picks the plan (the index, or the newest rows in order until the
    page is full)."""
    if stored(kind, language):
        return matches(StoredVector(f"search_title_{language}"), queries[language])
    return matches(search_vector(kind.title_fields, language), queries[language])


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


def full_text(kind: Kind, text: str, language: str, other: str):
    """Matching rows, a match in the title first, with their title and excerpt marked: a
    `Ranked` on the stored vectors of meetings and findings; on the few themes and
    organisations, a queryset ranked in one query."""
    queries = search_queries(text)
    if kind.stored:
        return Ranked(kind, queries, language, other)
    translated = ~missing([kind.title], language)
    in_title = (translated & Q(title_match(kind, language, queries))) | (
        ~translated & Q(title_match(kind, other, queries))
    )
    rows = matching(kind.queryset(), kind, queries, language, other)
    return marked(
        rows.annotate(rank=Case(When(in_title, then=Value(1)), default=Value(0))),
        kind,
        queries,
        language,
        other,
    )


def marked(rows: QuerySet, kind: Kind, queries, language: str, other: str) -> QuerySet:
    """The rows with their title and excerpt marked (ts_headline): PostgreSQL computes them
    for the rows of the page only, after the LIMIT. With their notes marked too, for a
    recommendation found by the words of a note."""
    if kind.notes:
        translated = ~missing([kind.title], language)
        rows = rows.annotate(
            notes_text=shown_in(translated, notes(language, other), notes(other, language)),
            notes_marked=shown_in(
                translated,
                notes_headline(notes(language, other), queries[language], language),
                notes_headline(notes(other, language), queries[other], other),
            ),
        )
    return rows.annotate(
        title_marked=shown_in(
            ~missing([kind.title], language),
            headline([kind.title], queries[language], language, highlight_all=True),
            headline([kind.title], queries[other], other, highlight_all=True),
        ),
        excerpt_marked=shown_in(
            ~missing(kind.excerpt[:1], language),
            headline(kind.excerpt, queries[language], language, **EXCERPT),
            headline(kind.excerpt, queries[other], other, **EXCERPT),
        ),
    )


def notes_headline(joined: Subquery, query: SearchQuery, language: str) -> SearchHeadline:
    return SearchHeadline(
        Coalesce(joined, Value(""), output_field=TextField()),
        query,
        config=CONFIGS[language],
        start_sel=START,
        stop_sel=STOP,
        **EXCERPT,
    )


class Ranked:
    """The rows matching a full-text search, as `Paginator` reads them: a capped count, and
    the rows of one page, matches in the title first, then in the kind's order.

    The vectors of meetings and findings are stored and indexed (GIN). Each query stops
    early, so that a common word costs no more on 100,000 findings than on 1,000
    (scripts/bench_search.py, docs/search.md): the count stops at `COUNT_CAP`; the ids of the
    page are read in two ordered, limited queries (matches in the title, then the others), which
    PostgreSQL serves from its indexes in order when many rows match; the titles and excerpts
    (ts_headline, which reads the texts) are computed for the rows of the page only.
    """

    def __init__(self, kind: Kind, queries, language: str, other: str):
        self.kind, self.queries, self.language, self.other = kind, queries, language, other
        self.translated = ~missing([kind.title], language)
        self.rows = matching(kind.queryset(), kind, queries, language, other).order_by()
        self.in_title = (self.translated & Q(title_match(kind, language, queries))) | (
            ~self.translated & Q(title_match(kind, other, queries))
        )

    def count(self) -> int:
        """The number of rows, counted up to one more than `COUNT_CAP`."""
        return self.rows.values("pk")[: COUNT_CAP + 1].count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, page: slice) -> list:
        if page.stop <= page.start:
            return []
        ids = []
        # The matches in the title, then the others: the second query only when the first
        # does not fill the page.
        for rows in (self.rows.filter(self.in_title), self.rows.exclude(self.in_title)):
            if len(ids) < page.stop:
                ordered = rows.order_by(*self.kind.ordering).values_list("pk", flat=True)
                ids += ordered[: page.stop - len(ids)]
        ids = ids[page.start : page.stop]
        if not ids:
            return []
        rows = self.kind.queryset().filter(pk__in=ids)
        shown = {
            row.pk: row for row in marked(rows, self.kind, self.queries, self.language, self.other)
        }
        return [shown[pk] for pk in ids]


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
        own_vector=vector(kind, language),
        other_vector=vector(kind, other),
    ).filter(
        Q(own_vector=queries[language])
        | (missing([kind.title], language) & Q(other_vector=queries[other]))
    )


def shown_in(translated: Q, own, other) -> Case:
    return Case(When(translated, then=own), default=other)


def simple_match(kind: Kind, text: str, language: str, other: str) -> QuerySet:
    """SQLite: each word somewhere in the texts, compared without case or accents (`Fold`);
    a match in the title first."""
    words = [word for word in {fold(word) for word in text.split()[:10]} if word]
    columns = [f"{field}_{code}" for field in kind.fields for code in (language, other)]

    def every_word_in(fields, code, with_notes=False) -> Q:
        if not words:  # only marks, which fold away: nothing to look for
            return Q(pk__in=[])
        condition = Q()
        for word in words:
            places = [(f"folded_{field}_{code}__contains", word) for field in fields]
            if with_notes:
                places.append((f"folded_notes_{code}__contains", word))
            condition &= Q.create(places, connector=Q.OR)
        return condition

    fields = kind.fields
    translated = ~missing([kind.title], language)
    folded = {f"folded_{column}": Fold(column) for column in columns}
    rows = kind.queryset()
    if kind.notes:
        folded |= {
            f"folded_notes_{language}": Fold(notes(language, other)),
            f"folded_notes_{other}": Fold(notes(other, language)),
        }
        rows = rows.annotate(
            notes_text=shown_in(translated, notes(language, other), notes(other, language))
        )
    return (
        rows.alias(**folded)
        .filter(
            (translated & every_word_in(fields, language, kind.notes))
            | (~translated & every_word_in(fields, other, kind.notes))
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
    item.excerpt_is_note = False
    if hasattr(item, "excerpt_marked"):
        item.excerpt_marked = with_ellipses(item.excerpt_marked.strip(), source)
        noted = (getattr(item, "notes_marked", None) or "").strip()
        if kind.notes and START not in item.excerpt_marked and START in noted:
            # Found by a note of its follow-up: the note is the excerpt.
            item.excerpt_marked = with_ellipses(noted, item.notes_text or "")
            item.excerpt_is_note = True
    else:  # SQLite: marked here, more simply
        words = text.split()[:10]
        item.title_marked = mark_words(displayed(item, [kind.title], language, other), words)
        item.excerpt_marked = mark_words(passage(source, words), words)
        if kind.notes and START not in item.excerpt_marked and item.notes_text:
            noted = mark_words(passage(item.notes_text, words), words)
            if START in noted:
                item.excerpt_marked, item.excerpt_is_note = noted, True
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
    folded = [fold(word) for word in words]
    first = next(
        (i for i, token in enumerate(tokens) if any(w and w in fold(token) for w in folded)), 0
    )
    start = max(first - size // 3, 0)
    excerpt = " ".join(tokens[start : start + size])
    return ("… " if start else "") + excerpt + (" …" if start + size < len(tokens) else "")


def mark_words(text: str, words) -> str:
    """The text with the words marked wherever they appear, without case or accents."""
    marked, done = [], 0
    for start, end in marked_spans(text, words):
        marked += [text[done:start], START, text[start:end], STOP]
        done = end
    return "".join([*marked, text[done:]])


def marked_html(text: str) -> SafeString:
    """Escape everything, then turn the sentinels into <mark> tags."""
    html = escape(text)
    return mark_safe(html.replace(START, "<mark>").replace(STOP, "</mark>"))  # noqa: S308
