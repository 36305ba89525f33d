"""`GET /v1/types`: the active document types and their fields."""

from __future__ import annotations

from fastapi import APIRouter

from claimflow.runtime.service.deps import ROLE_REFUSED, EngineDep, Reader
from claimflow.runtime.service.schemas import TypeFieldPublic, TypePublic

router = APIRouter(prefix="/v1/types", tags=["types"], responses=ROLE_REFUSED)


@router.get("")
async def list_types(_: Reader, engine: EngineDep) -> list[TypePublic]:
    """Every active type, with its fields, version and where it was found."""
    return [
        TypePublic(
            name=entry.doc_type.name,
            description=entry.doc_type.description,
            version=entry.doc_type.version,
            origin=entry.source,
            fields=[
                TypeFieldPublic(
                    name=field.name,
                    kind=field.kind,
                    required=field.required,
                    multiple=field.multiple,
                    labels=list(field.labels),
                    columns=[column.name for column in field.columns],
                )
                for field in entry.doc_type.fields
            ],
        )
        for entry in engine.active.entries
    ]
