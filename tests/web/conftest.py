"""The review pages' tests run the service's app: its fixtures, and no CLAIMFLOW_* variables from the shell."""

from tests.service.conftest import _no_claimflow_env, api, settings

__all__ = ["_no_claimflow_env", "api", "settings"]
