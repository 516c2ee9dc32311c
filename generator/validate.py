"""Stage: structural validation with openapi-spec-validator, reported with JSON pointers."""

from __future__ import annotations

from typing import Any

from openapi_spec_validator.validation.validators import OpenAPIV30SpecValidator, OpenAPIV31SpecValidator

from .errors import Diagnostic, pointer
from .load import Document

MAX_REPORTED = 50


def validate(doc: Document) -> list[Diagnostic]:
    cls: Any = OpenAPIV31SpecValidator if doc.data["openapi"].startswith("3.1") else OpenAPIV30SpecValidator
    out = []
    for error in cls(doc.data).iter_errors():
        where = pointer(*getattr(error, "absolute_path", ()) or ())
        message = getattr(error, "message", str(error)).splitlines()[0]
        out.append(Diagnostic(doc.path, where, message[:300]))
        if len(out) >= MAX_REPORTED:
            break
    return out
