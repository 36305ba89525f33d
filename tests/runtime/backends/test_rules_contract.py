from _rules_docs import NDA

from claimflow.doctypes import CONTRACT
from claimflow.runtime.backends import rules


def test_reads_an_nda() -> None:
    claim = rules.extract(CONTRACT, [NDA])
    parties = sorted(f.value for f in claim.fields if f.field == "parties")
    others = {f.field: f.value for f in claim.fields if f.field != "parties"}
    assert parties == ["Acme Rockets, Inc.", "Blue Harbor Analytics LLC"]
    assert others == {"effective_date": "2021-06-01", "jurisdiction": "New York", "term": "3 years"}


def test_employee_agreement_party_is_a_person() -> None:
    text = (
        "NON-COMPETITION AGREEMENT\nThis Agreement is made this 5th day of May, 2010 by and between Gamma Tools "
        'Corporation (the "Company") and Mary Ann Smith ("Employee").\nThis Agreement shall be governed by the '
        "laws of the State of Ohio.\n"
    )
    claim = rules.extract(CONTRACT, [text])
    assert sorted(f.value for f in claim.fields if f.field == "parties") == [
        "Gamma Tools Corporation",
        "Mary Ann Smith",
    ]
    assert {f.field: f.value for f in claim.fields}["effective_date"] == "2010-05-05"


def test_referenced_agreement_date_is_not_the_effective_date() -> None:
    text = (
        "AMENDMENT\nReference is made to that certain Confidentiality Agreement, dated January 3, 2012, between "
        "Foo Corp. and Bar LLC.\n"
    )
    assert "effective_date" not in {f.field for f in rules.extract(CONTRACT, [text]).fields}


def test_incorporation_state_alone_is_weak_jurisdiction() -> None:
    text = "AGREEMENT\nbetween Foo Corp., a corporation organized under the laws of the State of Nevada, and Bar LLC.\n"
    claims = [f for f in rules.extract(CONTRACT, [text]).fields if f.field == "jurisdiction"]
    assert claims and claims[0].value == "Nevada"
    assert claims[0].confidence < 0.8


def test_durations_outside_a_term_clause_are_not_the_term() -> None:
    text = "AGREEMENT\nbetween Foo Corp. and Bar LLC.\nNotice must be given within thirty (30) days.\n"
    assert "term" not in {f.field for f in rules.extract(CONTRACT, [text]).fields}
