"""claimflow-purchase-orders: a `purchase_order` document type for claimflow, installed as a plugin.

claimflow finds it through the entry point group `claimflow.document_types` (see pyproject.toml); nothing
else is needed to make it active. Importing this package is cheap: it declares data and plain functions.
"""

from claimflow_purchase_orders.purchase_order import PAYMENT_TERMS, PURCHASE_ORDER
from claimflow_purchase_orders.rules import delivery_not_before_order, line_totals_sum_to_total

__all__ = ["PAYMENT_TERMS", "PURCHASE_ORDER", "delivery_not_before_order", "line_totals_sum_to_total"]
