"""PDFium's functions called with its handles as addresses (plain numbers) rather than ctypes pointer objects.

A page has an object every few characters, and each object is asked several things: a pointer argument is
checked and converted on every call, and each pointer answered is a new Python object. An address is a number:
it keys a dict cheaply (which text object drew a character, which object paints over it) and passes to the next
call as it is.
"""

from __future__ import annotations

import ctypes
from collections.abc import Callable
from functools import cache
from typing import Any

import pypdfium2.raw as pdfium_c

__all__ = ["address_of", "by_address"]


def _is_handle(argtype: Any) -> bool:
    """Whether a ctypes type is a pointer to one of PDFium's opaque handles (`FPDF_PAGEOBJECT`, ...)."""
    target = getattr(argtype, "_type_", None)
    return isinstance(target, type) and target.__name__.startswith("struct_fpdf_")


@cache
def by_address(name: str) -> Callable[..., Any]:
    """PDFium's function `name`, taking each handle as its address and answering a handle as one (None for null).

    Its other arguments are as pypdfium2 declares them (a `ctypes.c_float` for an out-parameter, ...).
    """
    function = getattr(pdfium_c, name)
    address = ctypes.cast(function, ctypes.c_void_p).value
    assert address is not None  # the library is loaded: its functions have addresses
    argtypes = [ctypes.c_void_p if _is_handle(argtype) else argtype for argtype in function.argtypes]
    restype = ctypes.c_void_p if _is_handle(function.restype) else function.restype
    found: Callable[..., Any] = ctypes.CFUNCTYPE(restype, *argtypes)(address)
    return found


def address_of(handle: Any) -> int | None:
    """The address of a handle pypdfium2 gave (a ctypes pointer, or a helper's `raw` one); None for null."""
    return ctypes.addressof(handle.contents) if handle else None
