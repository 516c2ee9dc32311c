"""The package's errors: one hierarchy, every status error carrying what the server said.

    <Client>Error                      the root (named after the client class, in __init__)
    └── APIError
        ├── APIConnectionError
        │   └── APITimeoutError
        ├── APIResponseValidationError
        ├── APIStatusError
        │   ├── BadRequestError            400
        │   ├── AuthenticationError        401
        │   ├── PermissionDeniedError      403
        │   ├── NotFoundError              404
        │   ├── ConflictError              409
        │   ├── UnprocessableEntityError   422
        │   ├── RateLimitError             429
        │   └── InternalServerError        >= 500
        └── APIUsageError
            └── RequestValidationError     (also a ValueError)

Secrets never reach an error's message, body or headers: the client passes the set of
its credentials, and `redact` (the one place that knows how) replaces each before a
message is cut to length. A pickled error leaves out the request and the response it
holds (they carry the credentials as sent).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Collection

from . import _Error

if TYPE_CHECKING:
    import httpx

__all__ = [
    "APIError",
    "APIConnectionError",
    "APITimeoutError",
    "APIResponseValidationError",
    "APIStatusError",
    "APIUsageError",
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

REDACTED = "[REDACTED]"
MAX_MESSAGE = 2000


def redact(text: str, secrets: Collection[str]) -> str:
    """`text` with every occurrence of every secret replaced by [REDACTED]."""
    for secret in sorted(secrets, key=len, reverse=True):  # none left half-replaced
        if secret and secret in text:
            text = text.replace(secret, REDACTED)
    return text


def redact_json(value: Any, secrets: Collection[str]) -> Any:
    """A decoded JSON value with secrets redacted from its strings and keys."""
    if not secrets:
        return value
    if isinstance(value, str):
        return redact(value, secrets)
    if isinstance(value, list):
        return [redact_json(v, secrets) for v in value]
    if isinstance(value, dict):
        return {
            redact(str(k), secrets): redact_json(v, secrets) for k, v in value.items()
        }
    return value


def redact_headers(headers: httpx.Headers, secrets: Collection[str]) -> httpx.Headers:
    """The headers, or a copy with secrets redacted from the values when any holds one."""
    items = headers.multi_items()
    if not any(s and s in v for s in secrets for _, v in items):
        return headers
    return type(headers)([(k, redact(v, secrets)) for k, v in items])


def shorten(text: str) -> str:
    """A message cut to MAX_MESSAGE characters (redact first: a cut must not split a secret)."""
    return text if len(text) <= MAX_MESSAGE else text[:MAX_MESSAGE] + "..."


def _restore(cls: type[APIError], args: tuple[Any, ...], state: dict[str, Any]) -> Any:
    error = cls.__new__(cls, *args)
    error.__dict__.update(state)
    return error


class APIError(_Error):
    """Base of every error this package raises about a call (or a client that cannot be built)."""

    request: httpx.Request | None

    def __init__(self, message: str, request: httpx.Request | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.request = request

    def __reduce__(self) -> tuple[Any, ...]:
        # The request and the response carry the credentials (headers, echoed bodies):
        # a pickled error keeps everything else and comes back with both set to None.
        state = dict(self.__dict__)
        for name in ("request", "response"):
            if name in state:
                state[name] = None
        return _restore, (type(self), self.args, state)


class APIConnectionError(APIError):
    """The server could not be reached, or the connection broke before a response arrived."""

    def __init__(
        self, request: httpx.Request | None = None, message: str = "Connection error."
    ) -> None:
        super().__init__(message, request)


class APITimeoutError(APIConnectionError):
    """The attempt ran out of time (connecting, sending, waiting or reading the body)."""

    def __init__(
        self, request: httpx.Request | None = None, message: str = "Request timed out."
    ) -> None:
        super().__init__(request, message)


class APIUsageError(APIError):
    """The call cannot be made as asked: a closed client, an API key, `base_url`, header or
    argument that cannot be sent, a client used outside the event loop it belongs to.
    Never retried."""


class APIResponseValidationError(APIError):
    """A 2xx response whose body does not fit the spec's types, or cannot be read (too large,
    undecodable); `path` names the JSON path.

    `response` is the raw httpx response (its `.content` holds the body as received, empty
    when it could not be read).
    """

    def __init__(
        self,
        message: str,
        response: httpx.Response,
        path: str = "$",
        *,
        secrets: Collection[str] = (),
    ) -> None:
        super().__init__(shorten(redact(message, secrets)), response.request)
        self.response: httpx.Response | None = response
        self.status_code = response.status_code
        self.headers = redact_headers(response.headers, secrets)
        self.path = redact(path, secrets)
        self.request_id: str | None = self.headers.get("x-request-id")


class APIStatusError(APIError):
    """The server answered with a non-2xx status (a redirect that is not followed included).

    `body` is the parsed JSON body, or the text when it is not JSON (None when empty, or
    when the body could not be read). `secrets` are redacted from the message, the body and
    the headers, before the message is cut to length.
    """

    def __init__(
        self,
        message: str,
        *,
        response: httpx.Response,
        body: Any,
        secrets: Collection[str] = (),
    ) -> None:
        super().__init__(shorten(redact(message, secrets)), response.request)
        self.response: httpx.Response | None = response
        self.status_code = response.status_code
        self.headers = redact_headers(response.headers, secrets)
        try:
            self.body = redact_json(body, secrets)
        except RecursionError:
            self.body = redact(response.text, secrets)
        self.request_id: str | None = self.headers.get("x-request-id")


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


class RequestValidationError(APIUsageError, ValueError):
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
