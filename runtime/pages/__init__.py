"""Pages of stored documents for people: page images, and where evidence stands on them."""

from claimflow.runtime.pages.errors import NoPageImageError, NoSuchPageError, PageError
from claimflow.runtime.pages.geometry import Box
from claimflow.runtime.pages.layout import IMAGE_TYPES, PageLayout, read_page

__all__ = ["IMAGE_TYPES", "Box", "NoPageImageError", "NoSuchPageError", "PageError", "PageLayout", "read_page"]
