"""Places whose law can govern a contract: US states, Canadian provinces and countries."""

from __future__ import annotations

_NAMES = """
Alabama|Alaska|Arizona|Arkansas|California|Colorado|Connecticut|Delaware|District of Columbia|Florida|Georgia
Hawaii|Idaho|Illinois|Indiana|Iowa|Kansas|Kentucky|Louisiana|Maine|Maryland|Massachusetts|Michigan|Minnesota
Mississippi|Missouri|Montana|Nebraska|Nevada|New Hampshire|New Jersey|New Mexico|New York|North Carolina
North Dakota|Ohio|Oklahoma|Oregon|Pennsylvania|Rhode Island|South Carolina|South Dakota|Tennessee|Texas|Utah
Vermont|Virginia|Washington|West Virginia|Wisconsin|Wyoming|Puerto Rico
Alberta|British Columbia|Manitoba|New Brunswick|Newfoundland|Nova Scotia|Ontario|Quebec|Saskatchewan
England|England and Wales|Scotland|Northern Ireland|Ireland|United Kingdom|Germany|France|Spain|Italy|Netherlands
Belgium|Luxembourg|Switzerland|Austria|Sweden|Norway|Denmark|Finland|Poland|Portugal|Israel|Japan|Singapore
Hong Kong|Australia|New Zealand|Canada|India|China|Brazil|Mexico|Cayman Islands|Bermuda|the Netherlands
"""

JURISDICTIONS: frozenset[str] = frozenset(
    name.strip().casefold() for row in _NAMES.strip().splitlines() for name in row.split("|")
)
"""Known governing-law places, case-folded."""
