"""The package's errors: one hierarchy, every status error carrying what the server said."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import httpx

__all__ = ["APIError", "APIConnectionError", "APIResponseValidationError", "APIStatusError"]


class APIError(Exception):
    """Base of every error this package raises."""

    def __init__(self, message: str, request: httpx.Request | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.request = request


class APIConnectionError(APIError):
    """The server could not be reached, or the connection broke."""


class APIResponseValidationError(APIError):
    """A 2xx response whose body does not fit the spec's types; `path` names the JSON path."""

    def __init__(self, message: str, response: httpx.Response, path: str = "$") -> None:
        super().__init__(message, response.request)
        self.response = response
        self.status_code = response.status_code
        self.path = path


class APIStatusError(APIError):
    """The server answered with a non-2xx status."""

    def __init__(self, message: str, response: httpx.Response, body: Any) -> None:
        super().__init__(message, response.request)
        self.response = response
        self.status_code = response.status_code
        self.headers = response.headers
        self.body = body
        self.request_id = response.headers.get("x-request-id")
