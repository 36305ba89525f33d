"""Contract rules on synthetic agreements written for these tests (no real documents)."""

from __future__ import annotations

from claimflow.doctypes import CONTRACT
from claimflow.runtime.backends import rules
from claimflow.state.claims import FieldClaim

AUTO_ACCEPT = 0.8


def _fields(*pages: str) -> list[FieldClaim]:
    return list(rules.extract(CONTRACT, list(pages)).fields)


def _one(field: str, *pages: str) -> FieldClaim | None:
    return next((claim for claim in _fields(*pages) if claim.field == field), None)


def _parties(*pages: str) -> dict[str, float]:
    return {claim.value: claim.confidence for claim in _fields(*pages) if claim.field == "parties"}


# ---------------------------------------------------------------- parties
def test_preamble_after_a_filing_header_page_is_the_opening() -> None:
    header = "EX-10.7 exhibit filing\nCONFIDENTIALITY AGREEMENT\n"
    body = (
        'CONFIDENTIALITY AGREEMENT\nThis Confidentiality Agreement (this "Agreement") is made as of March 3, 2019 '
        '(the "Effective Date") by and between Harbor Lane Capital, L.P., a Delaware limited partnership ("Harbor"), '
        'and Quillfeather Software Corp., a Nevada corporation ("Quill").\nThe parties agree as follows.\n'
    )
    assert _parties(header, body) == {"Harbor Lane Capital, L.P.": 0.82, "Quillfeather Software Corp.": 0.82}
    date = _one("effective_date", header, body)
    assert date is not None and date.value == "2019-03-03" and date.confidence >= AUTO_ACCEPT
    assert date.evidence.page == 2


def test_second_party_after_a_long_descriptor_with_lowercase_and() -> None:
    text = (
        "AGREEMENT made as of the 2nd day of June, 2011, by and between FALCON RIDGE SYSTEMS COMPANY, a corporation "
        "organized under the laws of the State of Georgia and including its divisions and subsidiaries (the "
        '"Company"), and MARIA LOPEZ, an individual resident of the State of Alabama ("Employee").\n'
    )
    assert _parties(text) == {"FALCON RIDGE SYSTEMS COMPANY": 0.82, "MARIA LOPEZ": 0.72}


def test_sentence_period_after_the_last_party_is_not_part_of_it() -> None:
    text = "AGREEMENT between Alder Inc. and Birch LLC.\n1. Definitions. Terms have the meanings below.\n"
    assert set(_parties(text)) == {"Alder Inc.", "Birch LLC"}


def test_letter_agreement_parties_are_the_signing_companies() -> None:
    text = (
        "March 9, 2020\nSilverline Foods plc\n12 Quay Street\nLondon\nDear Sirs:\nIn connection with your "
        'evaluation of a possible transaction involving Marrow Creek Brewing, Inc. (the "Company"), you have '
        "requested information. You agree to keep it confidential.\nVery truly yours,\nMARROW CREEK BREWING, INC.\n"
        "By: /s/ Ann Lee\nName: Ann Lee\nAccepted and agreed as of the date first written above:\n"
        "SILVERLINE FOODS PLC\nd/b/a Silverline\nBy: /s/ Tom Ray\nName: Tom Ray\n"
    )
    found = _parties(text)
    assert found == {"MARROW CREEK BREWING, INC.": 0.7, "SILVERLINE FOODS PLC": 0.7}
    date = _one("effective_date", text)
    assert date is not None and date.value == "2020-03-09" and date.confidence < AUTO_ACCEPT


def test_two_column_signature_block() -> None:
    text = (
        "Each of you and we agree to keep the information confidential.\n"
        "NORTHGATE MEDIA, INC.            PELICAN BAY HOLDINGS LLC\n"
        "By: /s/ A. Jones                 By: /s/ B. Smith\n"
    )
    assert set(_parties(text)) == {"NORTHGATE MEDIA, INC.", "PELICAN BAY HOLDINGS LLC"}


def test_unilateral_form_falls_back_to_the_defined_company() -> None:
    text = (
        "NON-COMPETITION AGREEMENT\nThis Agreement, dated and effective as of the date you sign it, sets out "
        'obligations you owe to Ridgeway Tools Holdings LLC and its affiliates (hereinafter "Company") concerning '
        "competition.\nEMPLOYEE\nSignature Date\nCOMPANY\nSignature Date\n"
    )
    assert _parties(text) == {"Ridgeway Tools Holdings LLC": 0.6}
    assert _one("effective_date", text) is None


def test_an_employee_addressed_as_you_is_not_claimed() -> None:
    text = (
        "[employee name]:\nBrightwater Logistics Inc., a Delaware corporation, values your work. You agree not to "
        "compete with the Company.\nBrightwater Logistics Inc.\nBy:\nName:\nTitle:\n[employee name]\nDate:\n"
    )
    assert set(_parties(text)) == {"Brightwater Logistics Inc."}


# ---------------------------------------------------------------- effective date
def test_defined_effective_date_is_strong() -> None:
    text = 'AGREEMENT between Alder Inc. and Birch LLC.\n1. Definitions. "Effective Date" means March 3, 2019.\n'
    date = _one("effective_date", text)
    assert date is not None and date.value == "2019-03-03" and date.confidence >= AUTO_ACCEPT


def test_amendment_date_is_not_the_date_of_the_agreement_it_amends() -> None:
    text = (
        'AMENDMENT\nThis Amendment (the "Amendment") to the License Agreement dated January 5, 2015 between Alder '
        "Inc. and Birch LLC is made as of June 1, 2016.\n"
    )
    date = _one("effective_date", text)
    assert date is not None and date.value == "2016-06-01"


def test_recital_about_a_prior_agreement_gives_no_effective_date() -> None:
    text = (
        "AGREEMENT\nWHEREAS, the parties entered into a Supply Agreement dated as of March 1, 2010 between Alder "
        "Inc. and Birch LLC;\nNOW, THEREFORE, the parties agree as follows.\n"
    )
    assert _one("effective_date", text) is None


def test_execution_clause_date() -> None:
    text = (
        "AGREEMENT between Alder Inc. and Birch LLC.\n"
        + "The parties agree to keep each other's information confidential.\n" * 80
        + "IN WITNESS WHEREOF, the parties have executed this Agreement as of July 7, 2017.\n"
    )
    date = _one("effective_date", text)
    assert date is not None and date.value == "2017-07-07" and date.confidence < AUTO_ACCEPT


def test_signature_dates_are_a_weak_fallback_and_the_latest_wins() -> None:
    text = (
        "AGREEMENT between Alder Inc. and Birch LLC.\nALDER INC.\nBy: /s/ X\nDate: May 2, 2018\n"
        "BIRCH LLC\nBy: /s/ Y\nDate: May 4, 2018\n"
    )
    date = _one("effective_date", text)
    assert date is not None and date.value == "2018-05-04" and date.confidence < AUTO_ACCEPT


# ---------------------------------------------------------------- jurisdiction
def test_governed_by_place_law() -> None:
    text = "AGREEMENT between Alder Inc. and Birch LLC.\nThis agreement shall be governed by Kansas law.\n"
    place = _one("jurisdiction", text)
    assert place is not None and place.value == "Kansas" and place.confidence >= AUTO_ACCEPT


def test_state_in_an_address_is_not_the_governing_law() -> None:
    text = (
        "AGREEMENT between Alder Inc., with offices at 1 Main Street, Wilmington, in the State of Delaware, and "
        "Birch LLC.\nEach party shall keep the other's information confidential.\n"
    )
    assert _one("jurisdiction", text) is None


def test_organized_under_the_laws_of_is_not_the_governing_law_clause() -> None:
    text = (
        "AGREEMENT between Alder LLC, a limited liability company organized and governed under the laws of the "
        "State of Delaware, and Birch Inc.\n9. Governing Law. This Agreement shall be governed by the laws of the "
        "State of New York.\n"
    )
    place = _one("jurisdiction", text)
    assert place is not None and place.value == "New York" and place.confidence >= AUTO_ACCEPT


# ---------------------------------------------------------------- term
def test_term_clause_is_found_and_survival_and_notice_are_not() -> None:
    text = (
        "AGREEMENT between Alder Inc. and Birch LLC.\n4. Term. This Agreement shall remain in effect for two (2) "
        "years from the Effective Date. Either party may terminate this Agreement upon six (6) months' prior "
        "written notice.\n5. Survival. The obligations of confidentiality shall survive for five (5) years "
        "following termination of this Agreement.\n"
    )
    found = _one("term", text)
    assert found is not None and found.value == "2 years"
    # A clear clause, yet below auto-accept: a reviewer confirms the term.
    assert 0.72 < found.confidence < AUTO_ACCEPT


def test_notice_period_is_not_the_term() -> None:
    text = (
        "AGREEMENT between Alder Inc. and Birch LLC.\n4. Term and Termination. Either party may terminate this "
        "Agreement upon six (6) months' prior written notice.\n"
    )
    assert _one("term", text) is None


def test_survival_period_is_not_the_term() -> None:
    text = (
        "AGREEMENT between Alder Inc. and Birch LLC.\nThe obligations hereunder shall survive for three (3) years "
        "after termination of this Agreement.\n"
    )
    assert _one("term", text) is None


def test_restricted_period_after_the_term_is_not_the_term() -> None:
    text = (
        "AGREEMENT between Alder Inc. and Mary Smith.\n6. Non-Solicitation. During the term of this Agreement and "
        "for a period of one (1) year thereafter, Employee shall not solicit any employee of Alder Inc.\n"
    )
    assert _one("term", text) is None


def test_obligations_running_from_the_date_hereof_are_the_term() -> None:
    text = (
        "AGREEMENT between Alder Inc. and Birch LLC.\nThe obligations hereunder shall continue for a period of "
        "eighteen (18) months from the date hereof.\n"
    )
    found = _one("term", text)
    assert found is not None and found.value == "18 months" and found.confidence == 0.72
