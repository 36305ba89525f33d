"""The built-in document types: invoice, receipt and contract, declared with the public API like any user type.

They are found through the `claimflow.document_types` entry point group, as a user's types are.
"""

from claimflow.doctypes.contract import CONTRACT
from claimflow.doctypes.invoice import INVOICE
from claimflow.doctypes.receipt import RECEIPT

BUILTIN_TYPES = (INVOICE, RECEIPT, CONTRACT)
"""The three built-in types, in the order classification lists them."""

__all__ = ["BUILTIN_TYPES", "CONTRACT", "INVOICE", "RECEIPT"]
