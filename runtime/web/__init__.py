"""The reviewer's web pages (`/review`) and the page images of stored documents (`/v1/documents/.../pages/N`).

Server-rendered HTML with a little plain JavaScript; every file the pages load is served from this package.
"""

from fastapi import APIRouter

from claimflow.runtime.web import claims, page_images, queue_page, review_pages, session_pages

__all__ = ["router"]

router = APIRouter()
"""Include in the service's app: `app.include_router(router)`."""
router.include_router(page_images.router)
router.include_router(session_pages.router)
router.include_router(queue_page.router)
router.include_router(review_pages.router)
router.include_router(claims.router)
