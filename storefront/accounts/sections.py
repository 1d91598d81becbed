"""Sections other features add to the account page. A feature registers its fragment's template
and a function that loads that fragment's data for one customer; the account page includes each
fragment with its data, so accounts never imports the features above it and no page but the
account page reads their data."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask, current_app
from sqlalchemy.orm import Session

EXTENSION = "storefront.account_sections"


@dataclass(frozen=True)
class Section:
    template: str
    load: Callable[[Session, int], dict]  # (session, user id) → the template's variables


def add_section(app: Flask, section: Section) -> None:
    sections = app.extensions.setdefault(EXTENSION, [])
    if section not in sections:
        sections.append(section)


def sections_for(session: Session, user_id: int) -> list[tuple[str, dict]]:
    return [(section.template, section.load(session, user_id))
            for section in current_app.extensions.get(EXTENSION, [])]
