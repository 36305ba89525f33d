"""The prompt spec: a named, versioned prompt with the claim type it must produce."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Generic, TypeVar

from pydantic import BaseModel

ClaimT = TypeVar("ClaimT", bound=BaseModel)


@lru_cache(maxsize=64)
def schema_text(model: type[BaseModel]) -> str:
    """The model's JSON schema with sorted keys, built once per model (pydantic rebuilds it on every ask)."""
    return json.dumps(model.model_json_schema(), sort_keys=True)


@dataclass(frozen=True)
class PromptSpec(Generic[ClaimT]):
    """A prompt's identity is `name@version`; its text may not change without a new version."""

    name: str
    version: str
    system: str
    user_template: str
    """Formatted with `document`, `types` (classification) and `feedback`."""
    response_model: type[ClaimT]

    @property
    def ref(self) -> str:
        """`name@version`, the id every call and eval result names."""
        return f"{self.name}@{self.version}"

    @cached_property
    def content_hash(self) -> str:
        """sha256 over the texts and the response schema: what a version stands for."""
        digest = hashlib.sha256()
        for part in (
            self.system,
            self.user_template,
            schema_text(self.response_model),
        ):
            digest.update(part.encode())
            digest.update(b"\0")
        return digest.hexdigest()

    def render(self, *, document: str, types: str = "", feedback: str = "") -> tuple[str, str]:
        """The system and user messages for one call."""
        return self.system, self.user_template.format(document=document, types=types, feedback=feedback)
