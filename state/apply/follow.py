"""Which fields a reviewer's correction carries to: those read off the corrected field's line, under its label.

A field may share another's labels (`Field.shares_labels_of`): the invoice's amount due, where the invoice prints
no payment made before it, is read from the total's line. It was never printed on its own; it is the total. A
reviewer who corrects the total corrects it too, unless the same decision sets it. A field follows only where the
facts show it was read so: its accepted value is the corrected field's old value, and each of its quotes, proved
again on the source, is proved by a label of the corrected field, which it only shares (so a document that prints
one of its `unless_printed` labels keeps it out); or it followed an earlier correction of that field. A field
cleared by the reviewer leads nothing: clearing one value is no reason to clear another.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from claimflow.state.documents import SourceText
from claimflow.state.outcomes import FieldResult
from claimflow.state.proof import prove
from claimflow.state.schema import DocumentType, Field


def following(reviewer: str, leader: str) -> str:
    """`decided_by` of a field that follows the reviewer's correction of `leader`."""
    return f"reviewer {reviewer}{_mark(leader)}"


def _mark(leader: str) -> str:
    """What `decided_by` says of a field that followed `leader` (an approval may add to it later: `; approved ...`)."""
    return f", following {leader}"


def may_follow(doc_type: DocumentType | None) -> bool:
    """Whether a field of `doc_type` may follow another's correction: one shares another's labels."""
    return doc_type is not None and any(spec.shares_labels_of for spec in doc_type.value_fields)


def followers(
    doc_type: DocumentType,
    fields: Mapping[str, FieldResult],
    edits: Mapping[str, Sequence[str]],
    source: SourceText,
) -> list[tuple[str, str]]:
    """The fields the decision's `edits` carry to, each with the edited field it follows, in the type's order."""
    found = []
    for name, leaders in _carried(doc_type, fields, source, lambda leader: bool(edits.get(leader))).items():
        if name not in edits:
            found.append((name, leaders[0]))
    return found


def followed_fields(
    doc_type: DocumentType, fields: Mapping[str, FieldResult], source: SourceText
) -> dict[str, list[str]]:
    """Each field a correction would carry to, with the fields whose correction carries to it: what review shows.

    The same facts decide it as `followers` does when a decision is applied (the review's state does not change
    while it waits), so a reviewer is told before deciding which values an edit changes besides the one edited.
    """
    return _carried(doc_type, fields, source, lambda _leader: True)


def _carried(
    doc_type: DocumentType,
    fields: Mapping[str, FieldResult],
    source: SourceText,
    corrected: Callable[[str], bool],
) -> dict[str, list[str]]:
    """Per field (in the type's order), those of its leaders that `corrected` names whose correction carries to it."""
    found: dict[str, list[str]] = {}
    for spec in doc_type.value_fields:
        current = fields.get(spec.name)
        if spec.multiple or current is None or current.value is None:
            continue
        leaders = [
            leader
            for leader in spec.shares_labels_of
            if corrected(leader) and _follows(doc_type, spec, current, leader, fields, source)
        ]
        if leaders:
            found[spec.name] = leaders
    return found


def _follows(
    doc_type: DocumentType,
    spec: Field,
    current: FieldResult,
    leader: str,
    fields: Mapping[str, FieldResult],
    source: SourceText,
) -> bool:
    was = fields.get(leader)
    if was is None or was.value != current.value:
        return False
    if current.status == "edited":  # set by a reviewer: carried only if it followed this field before
        return _mark(leader) in current.decided_by
    value = current.value
    assert isinstance(value, str)  # a single-valued field
    return (
        current.status == "accepted"
        and bool(current.evidence)
        and all(prove(doc_type, spec, value, evidence, source).shared_from == leader for evidence in current.evidence)
    )
