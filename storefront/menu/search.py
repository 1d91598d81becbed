"""Product search on both engines. PostgreSQL: full-text search over name and description with a
GIN expression index (migration 0002), every word matched as a prefix ("choc" finds
"Chocolate"). SQLite: the same rule, each word as a case-insensitive substring of name or
description. Text without any word characters is matched literally against the name."""
from __future__ import annotations

import re

import sqlalchemy as sa
from sqlalchemy.sql.elements import ColumnElement

from .models import Product, search_document

MAX_QUERY_LENGTH = 100
MAX_TERMS = 8
_WORD = re.compile(r"\w+", re.UNICODE)

SEARCH_CONFIG = "english"  # must match the indexed expression, models.search_document


def clean_query(raw: str | None) -> str:
    """Trim and cut to a sane length: an overlong query is shortened, never an error."""
    return " ".join((raw or "").split())[:MAX_QUERY_LENGTH]


def terms_of(query: str) -> list[str]:
    return _WORD.findall(query.lower())[:MAX_TERMS]


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _contains(column, text: str) -> ColumnElement[bool]:
    return sa.func.lower(column).like(f"%{_escape_like(text.lower())}%", escape="\\")


def matches(query: str, dialect: str) -> ColumnElement[bool] | None:
    """A WHERE clause for `query`, or None when there is nothing to search for."""
    if not query:
        return None
    terms = terms_of(query)
    if not terms:
        return _contains(Product.name, query)
    if dialect == "postgresql":
        # Only \w characters reach to_tsquery, so the user cannot inject tsquery syntax.
        tsquery = " & ".join(f"{term}:*" for term in terms)
        return search_document().op("@@")(sa.func.to_tsquery(sa.literal_column(f"'{SEARCH_CONFIG}'"),
                                                              sa.literal(tsquery)))
    return sa.and_(*(sa.or_(_contains(Product.name, term), _contains(Product.description, term))
                     for term in terms))


def relevance(query: str, dialect: str):
    """An ORDER BY term putting the best matches first (name hits before description hits)."""
    terms = terms_of(query)
    if not terms:
        return None
    if dialect == "postgresql":
        weighted = sa.func.setweight(sa.func.to_tsvector(sa.literal_column(f"'{SEARCH_CONFIG}'"), Product.name),
                                     sa.literal_column("'A'")).op("||")(search_document())
        tsquery = sa.func.to_tsquery(sa.literal_column(f"'{SEARCH_CONFIG}'"),
                                     sa.literal(" & ".join(f"{t}:*" for t in terms)))
        return sa.func.ts_rank(weighted, tsquery).desc()
    return sa.case((_contains(Product.name, terms[0]), 0), else_=1)
