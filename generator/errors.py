"""Diagnostics: every problem names the file and the JSON pointer it concerns."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Iterable

# Spec text in a message must not drive the terminal (escape sequences) or split the line.
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")


def _printable(text: str) -> str:
    return _UNPRINTABLE.sub(lambda m: repr(m.group())[1:-1], text)


def pointer(*parts: object) -> str:
    """Build an RFC 6901 JSON pointer from path parts."""
    out = ""
    for part in parts:
        out += "/" + str(part).replace("~", "~0").replace("/", "~1")
    return out


def split_pointer(ptr: str) -> list[str]:
    if ptr in ("", "#"):
        return []
    ptr = ptr[1:] if ptr.startswith("#") else ptr
    return [p.replace("~1", "/").replace("~0", "~") for p in ptr.split("/")[1:]]


def did_you_mean(word: str, candidates: Iterable[str], cutoff: float = 0.6) -> str:
    """` (did you mean 'x'?)` when one candidate is close to `word`, else ''."""
    close = difflib.get_close_matches(word, list(candidates), n=1, cutoff=cutoff)
    return f" (did you mean {close[0]!r}?)" if close else ""


@dataclass(frozen=True)
class Diagnostic:
    """One problem: the file (empty for a command-line argument), the JSON pointer in it, what is wrong."""

    file: str
    pointer: str
    message: str

    def __str__(self) -> str:
        return _printable(f"{self.file}#{self.pointer}: {self.message}" if self.file else self.message)


class SpecError(Exception):
    """Bad input: the CLI prints each diagnostic on its own line and exits 2."""

    def __init__(self, *diagnostics: Diagnostic) -> None:
        super().__init__("\n".join(str(d) for d in diagnostics))
        self.diagnostics = diagnostics

    @classmethod
    def at(cls, file: str, ptr: str, message: str) -> "SpecError":
        return cls(Diagnostic(file, ptr, message))
