"""The format and check-digit rules of national identity numbers, each over the number's letters and digits alone."""

from __future__ import annotations

# US Social Security numbers: area 000, 666 and 900-999, group 00 and serial 0000 are never issued.
_SSN_AREAS_NEVER_ISSUED = frozenset({0, 666})
# UK National Insurance numbers: first letter not D, F, I, Q, U, V; second not D, F, I, O, Q, U, V; and these
# pairs are not allocated (HMRC's NIM39110).
_NINO_FIRST = frozenset("ABCEGHJKLMNOPRSTWXYZ")
_NINO_SECOND = frozenset("ABCEGHJKLMNPRSTWXYZ")
_NINO_NOT_ALLOCATED = frozenset({"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"})
_DNI_LETTERS = "TRWAGMYFPDXBNJZSQVHLCKE"
_NIE_PREFIX = {"X": "0", "Y": "1", "Z": "2"}


def ssn(digits: str) -> bool:
    """A US SSN: nine digits, an area, group and serial that are issued."""
    if len(digits) != 9 or not digits.isdigit():
        return False
    area, group, serial = int(digits[:3]), int(digits[3:5]), int(digits[5:])
    return area not in _SSN_AREAS_NEVER_ISSUED and area < 900 and group != 0 and serial != 0


def nino(code: str) -> bool:
    """A UK National Insurance number: two allowed prefix letters, six digits, a suffix A to D."""
    return (
        len(code) == 9
        and code[0] in _NINO_FIRST
        and code[1] in _NINO_SECOND
        and code[:2] not in _NINO_NOT_ALLOCATED
        and code[2:8].isdigit()
        and code[8] in "ABCD"
    )


def bsn(digits: str) -> bool:
    """A Dutch BSN: nine digits (eight read with a leading zero) passing the eleven-test."""
    digits = digits.zfill(9)
    if len(digits) != 9 or not digits.isdigit() or int(digits) == 0:
        return False
    total = sum(int(d) * w for d, w in zip(digits[:8], range(9, 1, -1), strict=True)) - int(digits[8])
    return total % 11 == 0


def steuer_id(digits: str) -> bool:
    """A German tax identification number (Steuer-ID): eleven digits, its digit rule and its check digit.

    No leading zero; of the first ten digits one appears twice or three times, the others at most once; the last
    is an ISO 7064 MOD 11,10 check digit.
    """
    if len(digits) != 11 or not digits.isdigit() or digits[0] == "0":
        return False
    counts = sorted((digits[:10].count(d) for d in set(digits[:10])), reverse=True)
    if counts[0] not in (2, 3) or (len(counts) > 1 and counts[1] > 1):
        return False
    product = 10
    for char in digits[:10]:
        total = (int(char) + product) % 10 or 10
        product = total * 2 % 11
    return (11 - product) % 10 == int(digits[10])


def nir(code: str) -> bool:
    """A French social security number (NIR): 13 characters and a key of 97 less their value modulo 97.

    Corsica's departments 2A and 2B count as 19 and 18 in the key.
    """
    if len(code) != 15 or code[0] not in "1278" or not code[13:].isdigit():
        return False
    body = code[:13].replace("2A", "19", 1) if code[5:7] == "2A" else code[:13]
    body = body.replace("2B", "18", 1) if code[5:7] == "2B" else body
    # The month of birth: 01 to 12, or from 20 on (codes used where it is not known).
    if not body.isdigit() or not (1 <= int(code[3:5]) <= 12 or int(code[3:5]) >= 20):
        return False
    return 97 - int(body) % 97 == int(code[13:])


def dni(code: str) -> bool:
    """A Spanish DNI (eight digits and a letter) or NIE (X, Y or Z, seven digits, a letter): the letter checks."""
    code = code.upper()
    if len(code) != 9 or not code[8].isalpha():
        return False
    number = _NIE_PREFIX.get(code[0], code[0]) + code[1:8]
    return number.isdigit() and _DNI_LETTERS[int(number) % 23] == code[8]
