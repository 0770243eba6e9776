"""Text compared without case or accents: the quick start's search on SQLite, where
« securite » finds « sécurité » as PostgreSQL's `unaccent` makes it find it there."""

import unicodedata

from django.db.models import Func, TextField


def fold(text: str | None) -> str | None:
    """The text without accents (marks split off by NFKD, then dropped), case-folded."""
    if text is None:
        return None
    split = unicodedata.normalize("NFKD", text)
    return "".join(char for char in split if not unicodedata.combining(char)).casefold()


class Fold(Func):
    """A column folded by the database as `fold()` folds a text: `portal_fold()` on SQLite
    (search/apps.py registers it), `lower(unaccent())` on PostgreSQL."""

    function = "portal_fold"
    output_field = TextField()

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler, connection, template="lower(unaccent(%(expressions)s))", **extra_context
        )


def marked_spans(text: str, words) -> list[tuple[int, int]]:
    """Where the words appear in the text, compared folded: (start, end) in the text,
    overlapping spans merged."""
    folded, origin = [], []
    for position, char in enumerate(text):
        part = fold(char)
        folded.append(part)
        origin += [position] * len(part)
    folded_text = "".join(folded)
    spans = []
    for word in {fold(word) for word in words} - {""}:
        start = folded_text.find(word)
        while start != -1:
            end = start + len(word)
            last = origin[end - 1] + 1
            while last < len(text) and not fold(text[last]):  # its accents too
                last += 1
            spans.append((origin[start], last))
            start = folded_text.find(word, end)
    merged = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged
