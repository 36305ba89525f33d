"""Errors of the page views."""

from __future__ import annotations


class PageError(Exception):
    """Base class: a page of a stored document cannot be shown."""


class NoSuchPageError(PageError):
    """The document has no page with that number."""


class NoPageImageError(PageError):
    """The document is text (plain text, HTML): its pages have no image; show their text."""
