"""HTTP runtime shared by every generated client. Copied verbatim into the package.

The sync and async clients differ only in how they send and sleep: building the request,
deciding whether to retry, computing the wait, mapping errors and reading the body are
plain functions and one base class used by both.
"""

from __future__ import annotations

import asyncio
import email.utils
import gc
import json
import logging
import os
import random
import time
from typing import Any, Callable, ClassVar, Generic, Mapping, TypeVar, Union
from urllib.parse import quote

import httpx

from ._exceptions import (
    APIConnectionError,
    APIError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    status_error_class,
)
from ._models import BaseModel, ValidationError, dump, read_bytes

T = TypeVar("T")
HttpT = TypeVar("HttpT", httpx.Client, httpx.AsyncClient)
C = TypeVar("C", bound="BaseClient[Any]")

logger = logging.getLogger(__package__ or __name__)

DEFAULT_TIMEOUT = httpx.Timeout(600.0, connect=5.0)
DEFAULT_MAX_RETRIES = 2
INITIAL_RETRY_DELAY = 0.5
MAX_RETRY_DELAY = 8.0
MAX_RETRY_AFTER = 60.0
RETRY_STATUSES = frozenset({408, 409, 429})
_HTTPX_DEFAULT_TIMEOUT = httpx.Timeout(5.0)


class NotGiven:
    """The default of optional arguments: omitted, which is not the same as None (JSON null)."""

    def __bool__(self) -> bool:
        return False

    def __repr__(self) -> str:
        return "NOT_GIVEN"


NOT_GIVEN = NotGiven()

Timeout = Union[float, httpx.Timeout, None]
Headers = Mapping[str, str]
Query = Mapping[str, Any]
Body = Mapping[str, Any]


def path_param(value: str) -> str:
    """Percent-encode one path segment, `/` included."""
    text = str(value)
    if text in ("", ".", ".."):
        raise ValueError(f"path parameter must not be {text!r}")
    return quote(text, safe="")


def json_body(fields: Mapping[str, Any]) -> dict[str, Any]:
    """The request body: only the arguments the caller gave, as plain JSON."""
    return {k: dump(v) for k, v in fields.items() if not isinstance(v, NotGiven)}


def query_params(fields: Mapping[str, Any]) -> dict[str, Any]:
    return {
        k: dump(v)
        for k, v in fields.items()
        if not isinstance(v, NotGiven) and v is not None
    }


def header_params(fields: Mapping[str, Any], extra: Headers | None) -> Headers | None:
    """Header parameters the caller gave, as text; `extra_headers` win."""
    given = {
        k: _header_value(v)
        for k, v in fields.items()
        if not isinstance(v, NotGiven) and v is not None
    }
    return {**given, **extra} if extra else given


def _header_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if type(value) is list:
        return ",".join(_header_value(v) for v in value)
    return str(dump(value))


def read_none(value: Any) -> None:
    return None


class Options:
    """One call, as the generated method describes it: nothing here depends on the client."""

    __slots__ = (
        "method",
        "path",
        "body",
        "query",
        "extra_headers",
        "extra_query",
        "extra_body",
        "timeout",
        "form",
        "content",
    )

    def __init__(
        self,
        method: str,
        path: str,
        body: dict[str, Any] | None,
        query: dict[str, Any] | None,
        extra_headers: Headers | None,
        extra_query: Query | None,
        extra_body: Body | None,
        timeout: Timeout | NotGiven,
        form: dict[str, Any] | None = None,
        content: Any = None,
    ) -> None:
        self.method = method
        self.path = path
        self.body = body
        self.query = query
        self.extra_headers = extra_headers
        self.extra_query = extra_query
        self.extra_body = extra_body
        self.timeout = timeout
        self.form = form  # multipart or urlencoded fields, files among them
        self.content = content  # a raw body (bytes or a binary file)


# Retries: which outcomes, and how long to wait.


def should_retry(response: httpx.Response) -> bool:
    """408, 409, 429 and 5xx are worth another try, unless the server says `x-should-retry: false`."""
    status = response.status_code
    if status not in RETRY_STATUSES and status < 500:
        return False
    flag: str | None = response.headers.get("x-should-retry")
    return flag != "false"


def retry_after(headers: httpx.Headers) -> float | None:
    """The server's requested wait in seconds: `retry-after-ms`, else `Retry-After` (seconds or an HTTP date)."""
    value = headers.get("retry-after-ms")
    if value is not None:
        try:
            return float(value) / 1000
        except ValueError:
            pass
    value = headers.get("retry-after")
    if value is None:
        return None
    try:
        return float(value)
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return when.timestamp() - time.time()


def retry_delay(retries_taken: int, headers: httpx.Headers | None) -> float:
    """Seconds to wait before retry number `retries_taken + 1`.

    A server-requested wait of more than 0 and at most 60 seconds is honoured; otherwise
    exponential backoff: 0.5 s doubling, capped at 8 s, less a random jitter of up to 25%.
    """
    if headers is not None:
        after = retry_after(headers)
        if after is not None and 0 < after <= MAX_RETRY_AFTER:
            return after
    delay = min(INITIAL_RETRY_DELAY * 2.0 ** min(retries_taken, 64), MAX_RETRY_DELAY)
    return delay * (1 - 0.25 * random.random())


# Responses: errors and bodies.


def make_status_error(response: httpx.Response, secret: str = "") -> APIStatusError:
    """The typed error for a non-2xx response; the message never contains `secret`."""
    try:
        body: Any = json.loads(response.content) if response.content else None
    except (ValueError, RecursionError):
        body = response.text
    detail: Any = body
    if isinstance(body, dict) and isinstance(body.get("error"), dict):
        detail = body["error"].get("message", body["error"])
    message = f"Error code: {response.status_code} - {detail}"
    if len(message) > 2000:
        message = message[:2000] + "..."
    if secret and secret in message:
        message = message.replace(secret, "[REDACTED]")
    return status_error_class(response.status_code)(
        message, response=response, body=body
    )


def _is_file(value: Any) -> bool:
    return isinstance(value, (bytes, bytearray, tuple)) or hasattr(value, "read")


def _form_value(value: Any) -> Any:
    """Form fields are text: scalars as they are, lists repeated, objects as JSON."""
    if isinstance(value, (dict, BaseModel)):
        return json.dumps(dump(value))
    if isinstance(value, bool):
        return "true" if value else "false"
    if type(value) is list:
        return [_form_value(v) for v in value]
    return value


def parse_response(response: httpx.Response, cast: Callable[[Any], T]) -> T:
    """Read a 2xx body with the generated reader; any misfit becomes APIResponseValidationError."""
    if cast is read_bytes:
        return cast(response.content)
    if not gc.isenabled():
        return _parse_json(response, cast)
    # Decoding and reading a body makes many objects and no cycles: don't collect meanwhile.
    gc.disable()
    try:
        return _parse_json(response, cast)
    finally:
        gc.enable()


def _parse_json(response: httpx.Response, cast: Callable[[Any], T]) -> T:
    content = response.content
    try:
        data = json.loads(content) if content else None
    except RecursionError:
        raise APIResponseValidationError(
            "$: response body is nested too deeply", response, "$"
        ) from None
    except ValueError as e:
        raise APIResponseValidationError(
            f"$: response body is not valid JSON ({e})", response, "$"
        ) from None
    try:
        result = cast(data)
    except ValidationError as e:
        raise APIResponseValidationError(str(e), response, e.json_path) from None
    except (
        RecursionError,
        TypeError,
        KeyError,
        AttributeError,
        IndexError,
        ValueError,
    ) as e:
        raise APIResponseValidationError(
            f"$: unexpected response ({type(e).__name__})", response, "$"
        ) from None
    if isinstance(result, BaseModel):
        result._request_id = response.headers.get("x-request-id")
    return result


class APIResponse(Generic[T]):
    """A raw response: status, headers and the body, parsed on demand by `.parse()`."""

    def __init__(
        self, response: httpx.Response, cast: Callable[[Any], T], retries_taken: int
    ) -> None:
        self.http_response = response
        self.retries_taken = retries_taken
        self._cast = cast
        self._parsed: list[T] = []

    @property
    def status_code(self) -> int:
        return self.http_response.status_code

    @property
    def headers(self) -> httpx.Headers:
        return self.http_response.headers

    @property
    def request_id(self) -> str | None:
        value: str | None = self.http_response.headers.get("x-request-id")
        return value

    @property
    def url(self) -> httpx.URL:
        return self.http_response.url

    @property
    def content(self) -> bytes:
        return self.http_response.content

    @property
    def text(self) -> str:
        return self.http_response.text

    def json(self) -> Any:
        return json.loads(self.http_response.content)

    def parse(self) -> T:
        """The body as the method's return type (read once, then cached)."""
        if not self._parsed:
            self._parsed.append(parse_response(self.http_response, self._cast))
        return self._parsed[0]

    def __repr__(self) -> str:
        return f"<APIResponse [{self.status_code}] {self.http_response.request.method} {self.url}>"


class BaseClient(Generic[HttpT]):
    """Configuration and request building, shared by the sync and the async client."""

    # Set by the generated client class.
    _api_key_env: ClassVar[str] = ""
    _base_url_env: ClassVar[str] = ""
    _default_base_url: ClassVar[str] = ""

    def __init__(
        self,
        *,
        api_key: str | None = None,
        base_url: str | httpx.URL | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        max_retries: int = DEFAULT_MAX_RETRIES,
        default_headers: Mapping[str, str] | None = None,
        http_client: HttpT | None = None,
    ) -> None:
        if api_key is None:
            api_key = os.environ.get(self._api_key_env) if self._api_key_env else None
        if not api_key:
            raise APIError(
                f"No API key: pass api_key= to {type(self).__name__}() or set the {self._api_key_env} environment variable"
            )
        if base_url is None:
            base_url = os.environ.get(self._base_url_env) or self._default_base_url
        if not base_url:  # the spec names no absolute server URL
            raise APIError(
                f"No base URL: pass base_url= to {type(self).__name__}() or set the {self._base_url_env} environment variable"
            )
        if isinstance(timeout, NotGiven):
            timeout = (
                http_client.timeout
                if http_client is not None
                and http_client.timeout != _HTTPX_DEFAULT_TIMEOUT
                else DEFAULT_TIMEOUT
            )
        if max_retries < 0:
            raise ValueError("max_retries must be 0 or more")
        self.api_key = api_key
        self.base_url = str(base_url).rstrip("/")
        self.timeout: Timeout = timeout
        self.max_retries = max_retries
        self._custom_headers = dict(default_headers or {})
        self._owns_http = http_client is None
        self._http: HttpT = (
            self._new_http_client(timeout) if http_client is None else http_client
        )
        # Built once: every call starts from these.
        self._headers = {
            "Accept": "application/json",
            "User-Agent": f"{__package__}/python httpx/{httpx.__version__}",
            "Authorization": f"Bearer {api_key}",
            **self._custom_headers,
        }

    def _new_http_client(self, timeout: Timeout) -> HttpT:
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={self.base_url!r}, max_retries={self.max_retries})"

    def __str__(self) -> str:
        return repr(self)

    def __getstate__(self) -> Any:
        raise TypeError(f"{type(self).__name__} cannot be pickled")

    def with_options(
        self: C,
        *,
        api_key: str | None = None,
        base_url: str | httpx.URL | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        max_retries: int | None = None,
        default_headers: Mapping[str, str] | None = None,
        http_client: Any = None,
    ) -> C:
        """A copy with some settings changed. It shares this client's connection pool unless given its own;
        `default_headers` are added to this client's."""
        return type(self)(
            api_key=api_key or self.api_key,
            base_url=base_url or self.base_url,
            timeout=self.timeout if isinstance(timeout, NotGiven) else timeout,
            max_retries=self.max_retries if max_retries is None else max_retries,
            default_headers={**self._custom_headers, **(default_headers or {})},
            http_client=http_client or self._http,
        )

    def _build_request(self, o: Options) -> httpx.Request:
        headers = (
            self._headers
            if o.extra_headers is None
            else {**self._headers, **o.extra_headers}
        )
        body = o.body if o.extra_body is None else {**(o.body or {}), **o.extra_body}
        query = (
            o.query if o.extra_query is None else {**(o.query or {}), **o.extra_query}
        )
        timeout = self.timeout if isinstance(o.timeout, NotGiven) else o.timeout
        if o.form is not None or o.content is not None:
            fields = {**(o.form or {}), **(o.extra_body or {})}
            files = [
                (k, f)
                for k, v in fields.items()
                for f in (v if type(v) is list else [v])
                if _is_file(f)
            ]
            data = {
                k: _form_value(v)
                for k, v in fields.items()
                if not any(k == name for name, _ in files)
            }
            return self._http.build_request(
                o.method,
                self.base_url + o.path,
                params=query,
                headers=headers,
                timeout=timeout,
                files=files or None,
                data=data or None,
                content=o.content.read() if hasattr(o.content, "read") else o.content,
            )
        return self._http.build_request(
            o.method,
            self.base_url + o.path,
            json=body,
            params=query,
            headers=headers,
            timeout=timeout,
        )

    def _connection_error(
        self, retries: int, error: Exception, request: httpx.Request
    ) -> APIConnectionError | None:
        """The typed error for a failed send, or None when another attempt is due."""
        if retries < self.max_retries:
            return None
        if isinstance(error, httpx.TimeoutException):
            return APITimeoutError(request)
        return APIConnectionError(request)

    def _log_attempt(
        self,
        request: httpx.Request,
        attempt: int,
        start: float,
        status: int | str,
        wait: float | None,
    ) -> None:
        elapsed = time.monotonic() - start
        if wait is None:
            logger.debug(
                "%s %s -> %s in %.3fs (attempt %d)",
                request.method,
                request.url,
                status,
                elapsed,
                attempt,
            )
        else:
            logger.info(
                "%s %s -> %s in %.3fs (attempt %d of %d); retrying in %.2fs",
                request.method,
                request.url,
                status,
                elapsed,
                attempt,
                self.max_retries + 1,
                wait,
            )


class SyncAPIClient(BaseClient[httpx.Client]):
    _sleep: Callable[[float], None] = staticmethod(time.sleep)

    def _new_http_client(self, timeout: Timeout) -> httpx.Client:
        return httpx.Client(timeout=timeout, follow_redirects=True)

    def close(self) -> None:
        """Close the connection pool, if this client created it (an `http_client` you pass stays yours)."""
        if self._owns_http:
            self._http.close()

    def __enter__(self: C) -> C:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def request(self, o: Options, cast: Callable[[Any], T]) -> T:
        return parse_response(self._send(o)[0], cast)

    def request_raw(self, o: Options, cast: Callable[[Any], T]) -> APIResponse[T]:
        response, retries = self._send(o)
        return APIResponse(response, cast, retries)

    def _send(self, o: Options) -> tuple[httpx.Response, int]:
        request = self._build_request(o)
        retries = 0
        while True:
            start = time.monotonic()
            try:
                response = self._http.send(request)
            except httpx.TransportError as e:
                error = self._connection_error(retries, e, request)
                if error is not None:
                    if logger.isEnabledFor(logging.DEBUG):
                        self._log_attempt(
                            request, retries + 1, start, type(e).__name__, None
                        )
                    raise error from e
                wait = retry_delay(retries, None)
                if logger.isEnabledFor(logging.INFO):
                    self._log_attempt(
                        request, retries + 1, start, type(e).__name__, wait
                    )
            else:
                if response.is_success:
                    if logger.isEnabledFor(logging.DEBUG):
                        self._log_attempt(
                            request, retries + 1, start, response.status_code, None
                        )
                    return response, retries
                if retries >= self.max_retries or not should_retry(response):
                    if logger.isEnabledFor(logging.DEBUG):
                        self._log_attempt(
                            request, retries + 1, start, response.status_code, None
                        )
                    raise make_status_error(response, self.api_key)
                response.close()
                wait = retry_delay(retries, response.headers)
                if logger.isEnabledFor(logging.INFO):
                    self._log_attempt(
                        request, retries + 1, start, response.status_code, wait
                    )
            self._sleep(wait)
            retries += 1


class AsyncAPIClient(BaseClient[httpx.AsyncClient]):
    _sleep: Callable[[float], Any] = staticmethod(asyncio.sleep)

    def _new_http_client(self, timeout: Timeout) -> httpx.AsyncClient:
        return httpx.AsyncClient(timeout=timeout, follow_redirects=True)

    async def close(self) -> None:
        """Close the connection pool, if this client created it (an `http_client` you pass stays yours)."""
        if self._owns_http:
            await self._http.aclose()

    async def __aenter__(self: C) -> C:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def request(self, o: Options, cast: Callable[[Any], T]) -> T:
        return parse_response((await self._send(o))[0], cast)

    async def request_raw(self, o: Options, cast: Callable[[Any], T]) -> APIResponse[T]:
        response, retries = await self._send(o)
        return APIResponse(response, cast, retries)

    async def _send(self, o: Options) -> tuple[httpx.Response, int]:
        request = self._build_request(o)
        retries = 0
        while True:
            start = time.monotonic()
            try:
                response = await self._http.send(request)
            except httpx.TransportError as e:
                error = self._connection_error(retries, e, request)
                if error is not None:
                    if logger.isEnabledFor(logging.DEBUG):
                        self._log_attempt(
                            request, retries + 1, start, type(e).__name__, None
                        )
                    raise error from e
                wait = retry_delay(retries, None)
                if logger.isEnabledFor(logging.INFO):
                    self._log_attempt(
                        request, retries + 1, start, type(e).__name__, wait
                    )
            else:
                if response.is_success:
                    if logger.isEnabledFor(logging.DEBUG):
                        self._log_attempt(
                            request, retries + 1, start, response.status_code, None
                        )
                    return response, retries
                if retries >= self.max_retries or not should_retry(response):
                    if logger.isEnabledFor(logging.DEBUG):
                        self._log_attempt(
                            request, retries + 1, start, response.status_code, None
                        )
                    raise make_status_error(response, self.api_key)
                await response.aclose()
                wait = retry_delay(retries, response.headers)
                if logger.isEnabledFor(logging.INFO):
                    self._log_attempt(
                        request, retries + 1, start, response.status_code, wait
                    )
            await self._sleep(wait)
            retries += 1
