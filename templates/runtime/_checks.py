"""Request checks: the spec's limits on arguments, tested before anything is sent.

Each `check_*` builds (once, at import) a function `check(value, path)` that raises
RequestValidationError naming the offending value. Values of an unexpected type are left
to the server: these checks are about limits, the type annotations cover types. Subclasses
count as their base (an OrderedDict is a dict, a str enum member a str): they are sent so.
"""

from __future__ import annotations

from typing import Any, Callable

from ._exceptions import RequestValidationError

Check = Callable[[Any, str], None]


def _sized(
    value: Any, path: str, what: str, min_size: int | None, max_size: int | None
) -> None:
    size = len(value)
    if max_size is not None and size > max_size:
        raise RequestValidationError(
            f"at most {max_size} {what} allowed, got {size}", path
        )
    if min_size is not None and size < min_size:
        raise RequestValidationError(
            f"at least {min_size} {what} required, got {size}", path
        )


def check_str(*, min_length: int | None = None, max_length: int | None = None) -> Check:
    def check(value: Any, path: str) -> None:
        if isinstance(value, str):
            _sized(value, path, "characters", min_length, max_length)

    return check


def check_number(
    *, minimum: float | None = None, maximum: float | None = None
) -> Check:
    def check(value: Any, path: str) -> None:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            if minimum is not None and value < minimum:
                raise RequestValidationError(
                    f"must be at least {minimum}, got {value}", path
                )
            if maximum is not None and value > maximum:
                raise RequestValidationError(
                    f"must be at most {maximum}, got {value}", path
                )

    return check


def check_list(
    item: Check | None, *, min_items: int | None = None, max_items: int | None = None
) -> Check:
    def check(value: Any, path: str) -> None:
        if not isinstance(value, (list, tuple)):
            return
        _sized(value, path, "items", min_items, max_items)
        if item is not None:
            for i, v in enumerate(value):
                item(v, f"{path}[{i}]")

    return check


def check_map(
    value_check: Check | None,
    *,
    min_properties: int | None = None,
    max_properties: int | None = None,
    key_max_length: int | None = None,
) -> Check:
    def check(value: Any, path: str) -> None:
        if not isinstance(value, dict):
            return
        _sized(value, path, "keys", min_properties, max_properties)
        for k, v in value.items():
            if (
                key_max_length is not None
                and isinstance(k, str)
                and len(k) > key_max_length
            ):
                raise RequestValidationError(
                    f"key {k[:80]!r} has {len(k)} characters, at most {key_max_length} allowed",
                    path,
                )
            if value_check is not None:
                value_check(v, f"{path}[{k!r}]")

    return check
