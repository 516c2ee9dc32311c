"""The package's errors: one hierarchy, every status error carrying what the server said.

    APIError
    ├── APIConnectionError
    │   └── APITimeoutError
    ├── APIResponseValidationError
    └── APIStatusError
        ├── BadRequestError            400
        ├── AuthenticationError        401
        ├── PermissionDeniedError      403
        ├── NotFoundError              404
        ├── ConflictError              409
        ├── UnprocessableEntityError   422
        ├── RateLimitError             429
        └── InternalServerError        >= 500

RequestValidationError (a ValueError) is raised before anything is sent.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import httpx

__all__ = [
    "APIError",
    "APIConnectionError",
    "APITimeoutError",
    "APIResponseValidationError",
    "APIStatusError",
    "BadRequestError",
    "AuthenticationError",
    "PermissionDeniedError",
    "NotFoundError",
    "ConflictError",
    "UnprocessableEntityError",
    "RateLimitError",
    "InternalServerError",
    "RequestValidationError",
]


class APIError(Exception):
    """Base of every error this package raises about a call (or a client that cannot be built)."""

    def __init__(self, message: str, request: httpx.Request | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.request = request


class APIConnectionError(APIError):
    """The server could not be reached, or the connection broke before a response arrived."""

    def __init__(
        self, request: httpx.Request | None = None, message: str = "Connection error."
    ) -> None:
        super().__init__(message, request)


class APITimeoutError(APIConnectionError):
    """The request timed out (connect, read, write or pool)."""

    def __init__(
        self, request: httpx.Request | None = None, message: str = "Request timed out."
    ) -> None:
        super().__init__(request, message)


class APIResponseValidationError(APIError):
    """A 2xx response whose body does not fit the spec's types; `path` names the JSON path.

    `response` is the raw httpx response (its `.content` holds the body as received).
    """

    def __init__(self, message: str, response: httpx.Response, path: str = "$") -> None:
        super().__init__(message, response.request)
        self.response = response
        self.status_code = response.status_code
        self.headers = response.headers
        self.path = path
        self.request_id = response.headers.get("x-request-id")


class APIStatusError(APIError):
    """The server answered with a non-2xx status.

    `body` is the parsed JSON body, or the text when it is not JSON (None when empty).
    """

    def __init__(self, message: str, *, response: httpx.Response, body: Any) -> None:
        super().__init__(message, response.request)
        self.response = response
        self.status_code = response.status_code
        self.headers = response.headers
        self.body = body
        self.request_id = response.headers.get("x-request-id")


class BadRequestError(APIStatusError):
    """400."""


class AuthenticationError(APIStatusError):
    """401."""


class PermissionDeniedError(APIStatusError):
    """403."""


class NotFoundError(APIStatusError):
    """404."""


class ConflictError(APIStatusError):
    """409."""


class UnprocessableEntityError(APIStatusError):
    """422."""


class RateLimitError(APIStatusError):
    """429."""


class InternalServerError(APIStatusError):
    """Any status of 500 or more."""


class RequestValidationError(ValueError):
    """An argument breaks a limit the spec sets; raised before the request is sent.

    `path` names the offending value, e.g. `metadata['some key']`.
    """

    def __init__(self, message: str, path: str) -> None:
        super().__init__(f"{path}: {message}")
        self.message = message
        self.path = path


STATUS_ERRORS: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    422: UnprocessableEntityError,
    429: RateLimitError,
}


def status_error_class(status: int) -> type[APIStatusError]:
    if status >= 500:
        return InternalServerError
    return STATUS_ERRORS.get(status, APIStatusError)
