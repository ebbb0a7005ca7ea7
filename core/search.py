"""One search box across the apps (issue 21.2). Core knows no domain app: each app registers its
sources from `ready()` (`register(Source(...))`), and a source answers for one user only what the
one visibility rule (`visible_to(user)`) lets them see.

Matching is substring (Chinese has no spaces to split words on): `icontains`, which PostgreSQL
runs as `UPPER(col::text) LIKE UPPER('%q%')`, served by pg_trgm GIN indexes on the same expression
(the apps' `*_search_trigram` migrations, PostgreSQL only); SQLite runs the same LIKE without an
index. Trigrams need three characters: the large tables also have a bigram index for two-character
Chinese words; a one-character query is refused with a message.
Relevance is tiered, not statistical: a source ranks its hits (exact reference first, then title,
then body text, then notes), newest first within a tier.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Q
from django.utils.functional import Promise

MAX_QUERY = 100
MIN_QUERY = 2  # one character matches nearly everything and no index serves it
PER_SOURCE = 20


@dataclass(frozen=True)
class Hit:
    title: str
    url: str
    snippet: str = ""
    rank: int = 0  # lower first: 0 exact reference, 1 title, 2 text, 3 notes
    when: datetime | None = None
    badge: str = ""


@dataclass(frozen=True)
class Source:
    key: str
    label: str | Promise
    search: Callable[..., Iterable[Hit]]  # search(user, query, limit) -> hits
    order: int = 100


@dataclass
class Section:
    source: Source
    hits: list[Hit] = field(default_factory=list)
    more: bool = False


_SOURCES: dict[str, Source] = {}


def register(source: Source) -> None:
    _SOURCES[source.key] = source


def sources() -> list[Source]:
    return sorted(_SOURCES.values(), key=lambda s: (s.order, s.key))


def clean_query(raw: str) -> str:
    """Collapse whitespace; cut to MAX_QUERY characters; "" when there is nothing to look for."""
    return " ".join((raw or "").split())[:MAX_QUERY]


def contains_any(fields: Iterable[str], query: str) -> Q:
    q = Q()
    for name in fields:
        q |= Q(**{f"{name}__icontains": query})
    return q


def snippet(text: str, query: str, width: int = 60) -> str:
    """The stretch of `text` around the first match, with ellipses where it was cut."""
    text = " ".join((text or "").split())
    at = text.upper().find(query.upper())
    if at < 0:
        return text[:width] + ("…" if len(text) > width else "")
    start = max(0, at - width // 3)
    end = min(len(text), at + len(query) + width)
    return ("…" if start else "") + text[start:end] + ("…" if end < len(text) else "")


def rank_hits(hits: Iterable[Hit]) -> list[Hit]:
    return sorted(hits, key=lambda h: (h.rank, -(h.when.timestamp() if h.when else 0)))


def search(user, raw_query: str, *, per_source: int = PER_SOURCE) -> list[Section]:
    query = clean_query(raw_query)
    if len(query) < MIN_QUERY:
        return []
    sections = []
    for source in sources():
        hits = rank_hits(source.search(user, query, per_source + 1))
        if hits:
            sections.append(Section(source, hits[:per_source], more=len(hits) > per_source))
    return sections
