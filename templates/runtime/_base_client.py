"""HTTP runtime shared by every generated client. Copied verbatim into the package.

The sync and async clients differ only in how they send, read and sleep: building the
request, bounding each attempt, deciding whether to retry, computing the wait, mapping
errors and parsing the body are plain functions and one base class used by both.

Every attempt is bounded in time and size: its deadline reaches each network read and
write (see `_bound`), and the body is counted as it is decompressed (see `_Body`).
"""

from __future__ import annotations

import asyncio
import email.utils
import json
import logging
import os
import random
import time
import zlib
from contextvars import ContextVar
from typing import (
    Any,
    Callable,
    ClassVar,
    Generic,
    Literal,
    Mapping,
    NoReturn,
    TypeVar,
    Union,
)

import httpx

from ._exceptions import (
    APIConnectionError,
    APIError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    APIUsageError,
    RequestValidationError,
    redact,
    shorten,
    status_error_class,
)
from ._auth import Applied, Credentials, Security, SecurityScheme
from ._content import encode_body
from ._models import BaseModel, ValidationError, dump, owning, read_bytes
from ._serialize import (
    FieldEncoding,
    Pairs,
    cookie_header,
    cookie_pairs,
    escape,
    header_value,
    query_pairs,
    query_string,
)

T = TypeVar("T")
HttpT = TypeVar("HttpT", httpx.Client, httpx.AsyncClient)
C = TypeVar("C", bound="BaseClient[Any]")

logger = logging.getLogger(__package__ or __name__)

DEFAULT_TIMEOUT = httpx.Timeout(600.0, connect=5.0)
DEFAULT_MAX_RETRIES = 2
DEFAULT_MAX_RESPONSE_BYTES = 100_000_000
INITIAL_RETRY_DELAY = 0.5
MAX_RETRY_DELAY = 8.0
MAX_RETRY_AFTER = 60.0
MAX_REDIRECTS = 5
RETRY_STATUSES = frozenset({408, 409, 429})
# Content codings the client asks for and reads; the body is counted as it is decompressed.
ACCEPT_ENCODING = "gzip, deflate"
CODINGS = frozenset({"gzip", "x-gzip", "deflate"})
DECODE_PIECE = 64 * 1024
_HTTPX_DEFAULT_TIMEOUT = httpx.Timeout(5.0)
_MIN_TIMEOUT = 0.001  # what is left of a passed deadline: fail now, never block


class NotGiven:
    """The default of optional arguments: omitted, which is not the same as None (JSON null)."""

    def __bool__(
        self,
    ) -> Literal[False]:  # lets `argument or default` narrow for type checkers
        return False

    def __repr__(self) -> str:
        return "NOT_GIVEN"


NOT_GIVEN = NotGiven()

Timeout = Union[float, httpx.Timeout, None]
Headers = Mapping[str, str]
Query = Mapping[str, Any]
Body = Mapping[str, Any]


def json_body(fields: Mapping[str, Any]) -> dict[str, Any]:
    """The body's fields: only the arguments the caller gave, as plain JSON."""
    return {k: dump(v) for k, v in fields.items() if not isinstance(v, NotGiven)}


# Parameters: an omitted argument (or None) is not sent. See _serialize for the styles.


def query_param(
    name: str,
    value: Any,
    style: str = "form",
    explode: bool = True,
    allow_reserved: bool = False,
    media: str = "",
) -> Pairs:
    """One query parameter as percent-encoded name=value pairs."""
    if value is None or isinstance(value, NotGiven):
        return []
    return query_pairs(name, value, style, explode, allow_reserved, media)


def header_param(value: Any, explode: bool = False, media: str = "") -> str | None:
    if value is None or isinstance(value, NotGiven):
        return None
    return header_value(value, explode, media)


def cookie_param(name: str, value: Any, explode: bool = True, media: str = "") -> Pairs:
    if value is None or isinstance(value, NotGiven):
        return []
    return cookie_pairs(name, value, explode, media)


def header_params(fields: Mapping[str, str | None], extra: Headers | None) -> Headers:
    """Header parameters the caller gave; `extra_headers` win."""
    given = {k: v for k, v in fields.items() if v is not None}
    return {**given, **extra} if extra else given


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
        "content",
        "given",
        "media",
        "accept",
        "cookies",
        "security",
        "form_encoding",
    )

    def __init__(
        self,
        method: str,
        path: str,
        body: dict[str, Any] | None,
        query: Pairs | None,
        extra_headers: Headers | None,
        extra_query: Query | None,
        extra_body: Body | None,
        timeout: Timeout | NotGiven,
        content: Any = NOT_GIVEN,
        media: str | None = None,
        accept: str | None = None,
        cookies: Pairs | None = None,
        security: Security | None = None,
        form_encoding: Mapping[str, FieldEncoding] | None = None,
    ) -> None:
        self.method = method
        self.path = path
        self.body = body
        self.query = query
        self.extra_headers = extra_headers
        self.extra_query = extra_query
        self.extra_body = extra_body
        self.timeout = timeout
        self.content = content  # the whole body, when it is one argument
        self.given = not isinstance(content, NotGiven)
        self.media = media  # the media type the body is sent as
        self.accept = accept  # what the operation answers with
        self.cookies = cookies  # percent-encoded name=value pairs
        self.security = security  # None: the API's default requirement
        self.form_encoding = form_encoding  # form fields written other than by default


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


# Deadlines: a call's `timeout` bounds each attempt as a whole, not each network operation.

# The attempt in progress in this thread or task: (its deadline, the clock it is on).
_deadline: ContextVar[tuple[float, Callable[[], float]] | None] = ContextVar(
    "_deadline", default=None
)


def attempt_budget(timeouts: Mapping[str, float | None]) -> float | None:
    """Seconds one attempt may take: the largest of connect/read/write/pool; None if any waits forever."""
    values = list(timeouts.values())
    if not values or any(v is None for v in values):
        return None
    return max(v for v in values if v is not None)


TIMEOUT_PROBLEM = (
    "timeout must be a number of seconds (or an httpx.Timeout of them), or None"
)


def _valid_timeouts(timeouts: Mapping[str, Any]) -> bool:
    return all(
        v is None
        or (isinstance(v, (int, float)) and not isinstance(v, bool) and 0 <= v < 1e9)
        for v in timeouts.values()
    )


def _clip(timeout: float | None) -> float | None:
    """A network operation's timeout, cut to what is left of the current attempt."""
    current = _deadline.get()
    if current is None:
        return timeout
    left = max(current[0] - current[1](), _MIN_TIMEOUT)
    return left if timeout is None or timeout > left else timeout


def _bound(stream: Any) -> None:
    """Cut every read and write of a new connection to the deadline of the attempt using it.

    httpx applies its timeouts to each read, so a server sending a byte at a time could
    hold an attempt for ever; this makes each read wait at most what is left. The stream
    (sync or async alike) gets the wrapper once, when the connection is opened.
    """
    try:
        read, write = stream.read, stream.write
        stream.read = lambda max_bytes, timeout=None: read(max_bytes, _clip(timeout))
        stream.write = lambda buffer, timeout=None: write(buffer, _clip(timeout))
    except AttributeError:
        pass  # not a stream we know: the checks between body chunks still apply


_NEW_STREAM = (
    "connect_tcp.complete",
    "start_tls.complete",
    "connect_unix_socket.complete",
)


def _trace(event: str, info: dict[str, Any]) -> None:
    """httpx's `trace` extension: sees each connection the client opens."""
    if event.endswith(_NEW_STREAM):
        _bound(info.get("return_value"))


async def _atrace(event: str, info: dict[str, Any]) -> None:
    _trace(event, info)


# Responses: reading bodies within limits, errors, parsing.


class _Unreadable(Exception):
    """The body cannot be read: too large, or in an encoding that cannot be decoded."""


def too_large(limit: int) -> str:
    return f"is larger than max_response_bytes ({limit} bytes)"


def content_coding(response: httpx.Response) -> str:
    """The body's one content coding ('' for none); _Unreadable for any the client cannot read."""
    header: str = response.headers.get("content-encoding", "")
    codings = [
        c for c in header.lower().split(",") if c.strip() not in ("", "identity")
    ]
    if not codings:
        return ""
    coding: str = codings[0].strip()
    if coding not in CODINGS or len(codings) > 1:
        shown = ",".join(codings).strip()[:40]
        raise _Unreadable(
            f"has content-encoding {shown!r}, which the client does not accept"
        )
    return coding


class _Body:
    """Collects a body as it arrives: decompressed a piece at a time (no piece larger than
    DECODE_PIECE, so a compressed bomb stops at the limit), within the size limit and the
    attempt's deadline."""

    __slots__ = ("limit", "deadline", "clock", "chunks", "size", "inflate", "raw")

    def __init__(
        self,
        limit: int,
        deadline: float | None,
        clock: Callable[[], float],
        coding: str,
    ) -> None:
        self.limit = limit
        self.deadline = deadline
        self.clock = clock
        self.chunks: list[bytes] = []
        self.size = 0
        # gzip: a gzip header; deflate: a zlib header, or (as some servers send) none.
        self.inflate = (
            None
            if not coding
            else zlib.decompressobj(
                zlib.MAX_WBITS | 16 if coding != "deflate" else zlib.MAX_WBITS
            )
        )
        self.raw = coding == "deflate"  # may still turn out to be raw deflate

    def feed(self, data: bytes) -> None:
        if self.inflate is None:
            self.add(data)
        else:
            try:
                self.decompress(data)
            except zlib.error as e:
                raise _Unreadable(f"could not be decoded ({e})") from None
        if self.deadline is not None and self.clock() > self.deadline:
            raise httpx.ReadTimeout("the attempt's deadline passed")

    def decompress(self, data: bytes) -> None:
        assert self.inflate is not None
        while True:
            try:
                piece = self.inflate.decompress(data, DECODE_PIECE)
            except zlib.error:
                if not self.raw:
                    raise
                self.inflate = zlib.decompressobj(-zlib.MAX_WBITS)
                piece = self.inflate.decompress(data, DECODE_PIECE)
            self.raw = False
            self.add(piece)
            data = self.inflate.unconsumed_tail
            if not data and len(piece) < DECODE_PIECE:
                return

    def add(self, piece: bytes) -> None:
        self.size += len(piece)
        if self.size > self.limit:
            raise _Unreadable(too_large(self.limit))
        self.chunks.append(piece)

    def done(self, response: httpx.Response) -> None:
        if self.inflate is not None:
            self.feed(b"")
        # What `Response.read()` does, bounded: `.content` works from here on.
        response._content = b"".join(self.chunks)


def _read_first(response: httpx.Response, limit: int) -> bool:
    """True when the body is to be read from the network; False when it is in memory already
    (a response a mock transport made), or _Unreadable when it must not be read at all.
    """
    if response.is_stream_consumed:
        if len(response.content) > limit:
            raise _Unreadable(too_large(limit))
        return False
    length = response.headers.get("content-length", "")
    if length.isdigit() and int(length) > limit:
        raise _Unreadable(too_large(limit))
    return True


def make_status_error(
    response: httpx.Response,
    secrets: frozenset[str] = frozenset(),
    problem: str | None = None,
) -> APIStatusError:
    """The typed error for a non-2xx response (its body read, or `problem` saying why not)."""
    body: Any = None
    if problem is not None:
        detail: Any = f"response body not read: it {problem}"
    elif response.has_redirect_location:
        location = response.headers["location"]
        detail = f"redirect to {location} not followed (only GET requests are redirected, within the same origin)"
    else:
        try:
            body = json.loads(response.content) if response.content else None
        except (ValueError, RecursionError):
            body = response.text
        detail = body
        if isinstance(body, dict) and isinstance(body.get("error"), dict):
            detail = body["error"].get("message", body["error"])
    return status_error_class(response.status_code)(
        f"Error code: {response.status_code} - {detail}",
        response=response,
        body=body,
        secrets=secrets,
    )


def parse_response(
    response: httpx.Response,
    cast: Callable[[Any], T],
    secrets: frozenset[str] = frozenset(),
) -> T:
    """Read a 2xx body with the generated reader; any misfit becomes APIResponseValidationError."""
    if cast is read_bytes:
        return cast(response.content)
    content = response.content
    try:
        data = json.loads(content) if content else None
    except RecursionError:
        raise APIResponseValidationError(
            "$: response body is nested too deeply", response, "$"
        ) from None
    except ValueError as e:
        raise APIResponseValidationError(
            f"$: response body is not valid JSON ({e})", response, secrets=secrets
        ) from None
    try:
        result: T = owning(cast)(data)  # the decoded body is ours: read it in place
    except ValidationError as e:
        raise APIResponseValidationError(
            str(e), response, e.json_path, secrets=secrets
        ) from None
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
        self,
        response: httpx.Response,
        cast: Callable[[Any], T],
        retries_taken: int,
        secrets: frozenset[str] = frozenset(),
    ) -> None:
        self.http_response = response
        self.retries_taken = retries_taken
        self._cast = cast
        self._secrets = secrets
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
        """The body as decoded JSON; APIResponseValidationError when it is not JSON."""
        return parse_response(self.http_response, _plain_json, self._secrets)

    def parse(self) -> T:
        """The body as the method's return type (read once, then cached)."""
        if not self._parsed:
            self._parsed.append(
                parse_response(self.http_response, self._cast, self._secrets)
            )
        return self._parsed[0]

    def __repr__(self) -> str:
        url = redact(str(self.url), self._secrets)  # a credential may be in the query
        return f"<APIResponse [{self.status_code}] {self.http_response.request.method} {url}>"


def _plain_json(value: Any) -> Any:
    return value


class _Outcome:
    """How one attempt ended: a 2xx response with its body read, or an error (retryable or not)."""

    __slots__ = ("response", "error", "cause", "retry", "label")

    def __init__(
        self,
        response: httpx.Response | None,
        error: APIError | None = None,
        cause: BaseException | None = None,
        retry: bool = False,
        label: int | str = "",
    ) -> None:
        self.response = response
        self.error = error
        self.cause = cause
        self.retry = retry
        # What the log says the attempt ended with: the status, or what went wrong.
        self.label = label or (response.status_code if response is not None else "")


def _same_origin(a: httpx.URL, b: httpx.URL) -> bool:
    return (a.scheme, a.host, a.port) == (b.scheme, b.host, b.port)


def _bad_header(headers: Mapping[str, Any]) -> str | None:
    """Why these headers cannot be sent (naming the header, never its value); None if they can."""
    if not isinstance(headers, Mapping):
        return "headers must map names to values"
    for name, value in headers.items():
        if not isinstance(name, str) or not isinstance(value, str):
            return f"header {name!r}: names and values must be strings"
        if not (name.isascii() and value.isascii()):
            return f"header {name!r}: names and values must be ASCII"
        if any(c in value or c in name for c in "\r\n\0"):
            return f"header {name!r}: line breaks and NUL are not allowed"
    return None


def _base_url(value: str) -> tuple[str, str]:
    """(the base URL without its query, the query): a URL the client can append paths to.

    Refusals are raised outside any handler and never show the URL (it may hold a password).
    """
    try:
        url = httpx.URL(value)
        scheme, host, port = url.scheme, url.host, url.port or 80
    except Exception:  # InvalidURL, and what the IDNA codec raises for a bad host
        scheme, host, port = "", "", 0
    if not 0 < port < 65536:
        raise APIUsageError("base_url is not a valid URL")
    if scheme not in ("http", "https") or not host:
        raise APIUsageError("base_url must be an absolute http:// or https:// URL")
    if url.userinfo:
        raise APIUsageError(
            "base_url must not contain a user name or password: pass credentials as api_key"
        )
    if url.fragment:
        raise APIUsageError("base_url must not contain a fragment ('#...')")
    query = url.query.decode("ascii")
    return str(url.copy_with(query=None)).rstrip("/"), query


class BaseClient(Generic[HttpT]):
    """Configuration and request building, shared by the sync and the async client."""

    # Set by the generated client class.
    _base_url_env: ClassVar[str] = ""
    _default_base_url: ClassVar[str] = ""
    _security_schemes: ClassVar[Mapping[str, SecurityScheme]] = {}
    _security: ClassVar[Security] = ()  # the API's default requirement
    # Every operation needs credentials: a client without any fails when it is built.
    _credentials_required: ClassVar[bool] = False
    # The clock deadlines are measured on (tests replace it, and the sleep).
    _clock: Callable[[], float] = staticmethod(time.monotonic)

    def __init__(
        self,
        *,
        base_url: str | httpx.URL | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        max_retries: int = DEFAULT_MAX_RETRIES,
        default_headers: Mapping[str, str] | None = None,
        http_client: HttpT | None = None,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
        **credentials: str | None,
    ) -> None:
        known = {a for s in self._security_schemes.values() for a in s.args}
        unknown = sorted(set(credentials) - known)
        if unknown:
            raise TypeError(
                f"{type(self).__name__}() got an unexpected keyword argument {unknown[0]!r}"
            )
        for arg, value in credentials.items():
            if value is not None and not isinstance(value, str):
                raise APIUsageError(f"{arg} must be a string")
        self._credentials = Credentials(self._security_schemes, credentials)
        for arg, value in self._credentials.given().items():
            if not (value.isascii() and value.isprintable()):
                raise APIUsageError(
                    f"{arg} must be printable ASCII: it is sent in a header or the URL"
                )
        if self._credentials_required and not self._credentials.any():
            raise APIUsageError(self._credentials.missing(type(self).__name__))
        if base_url is None:
            base_url = os.environ.get(self._base_url_env) or self._default_base_url
        if not base_url:  # the spec names no absolute server URL
            raise APIUsageError(
                f"No base URL: pass base_url= to {type(self).__name__}() or set the {self._base_url_env} environment variable"
            )
        self._base, self._base_query = _base_url(str(base_url))
        if isinstance(timeout, NotGiven):
            timeout = (
                http_client.timeout
                if http_client is not None
                and http_client.timeout != _HTTPX_DEFAULT_TIMEOUT
                else DEFAULT_TIMEOUT
            )
        try:
            valid = _valid_timeouts(httpx.Timeout(timeout).as_dict())
        except Exception:
            valid = False
        if not valid:
            raise APIUsageError(TIMEOUT_PROBLEM)
        if not isinstance(max_retries, int) or max_retries < 0:
            raise APIUsageError("max_retries must be an integer, 0 or more")
        if not isinstance(max_response_bytes, int) or max_response_bytes < 1:
            raise APIUsageError("max_response_bytes must be an integer, 1 or more")
        problem = _bad_header(default_headers or {})
        if problem is not None:
            raise APIUsageError(f"default_headers: {problem}")
        # Every credential the client holds, in every form it is sent: redacted from errors and logs.
        self._secrets = frozenset(self._credentials.secrets)
        self.base_url = self._base + (
            "?" + self._base_query if self._base_query else ""
        )
        self.timeout: Timeout = timeout
        self.max_retries = max_retries
        self.max_response_bytes = max_response_bytes
        self._custom_headers = dict(default_headers or {})
        self._owns_http = http_client is None
        self._http: HttpT = (
            self._new_http_client(timeout) if http_client is None else http_client
        )
        self._headers = {
            "Accept": "application/json",
            "Accept-Encoding": ACCEPT_ENCODING,
            "User-Agent": f"{__package__}/python httpx/{httpx.__version__}",
        }
        # Built once per security requirement: every call starts from these.
        self._prepared: dict[Security, tuple[dict[str, str], Applied]] = {}

    @property
    def api_key(self) -> str | None:
        return self._credentials.get("api_key")

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
        base_url: str | httpx.URL | None = None,
        timeout: Timeout | NotGiven = NOT_GIVEN,
        max_retries: int | None = None,
        default_headers: Mapping[str, str] | None = None,
        http_client: Any = None,
        max_response_bytes: int | None = None,
        **credentials: str | None,
    ) -> C:
        """A copy with some settings changed (credentials too: `api_key=`...). It shares this client's
        connection pool unless given its own; `default_headers` are added to this client's.
        """
        given = {k: v for k, v in credentials.items() if v}
        return type(self)(
            **{**self._credentials.given(), **given},
            base_url=base_url or self.base_url,
            timeout=self.timeout if isinstance(timeout, NotGiven) else timeout,
            max_retries=self.max_retries if max_retries is None else max_retries,
            default_headers={**self._custom_headers, **(default_headers or {})},
            http_client=http_client or self._http,
            max_response_bytes=(
                self.max_response_bytes
                if max_response_bytes is None
                else max_response_bytes
            ),
        )

    def _prepare(
        self, o: Options, trace: Any
    ) -> tuple[httpx.Request, dict[str, float | None], float | None]:
        """(the request, its timeouts, the call's deadline); APIUsageError when the request
        cannot be made (naming what is wrong, never the value at fault)."""
        problem = None if o.extra_headers is None else _bad_header(o.extra_headers)
        if problem is None:
            try:
                request = self._build_request(o)
            except (MemoryError, APIError):
                raise
            except Exception as e:
                problem = f"{type(e).__name__}: {e}"
            else:
                limits = dict(request.extensions.get("timeout") or {})
                if _valid_timeouts(limits):
                    request.extensions["trace"] = trace
                    budget = attempt_budget(limits)
                    if budget is None:
                        return request, limits, None
                    return (
                        request,
                        limits,
                        self._clock() + budget * (self.max_retries + 1),
                    )
                problem = TIMEOUT_PROBLEM
        # Raised here, outside the handler: the original (which may hold a header value,
        # a credential among them) is neither chained nor kept as the context.
        raise APIUsageError(
            shorten(redact(f"The request cannot be built: {problem}", self._secrets))
        )

    def _starting_headers(self, o: Options) -> tuple[dict[str, str], Applied]:
        """The headers a call starts from (credentials included), and what its credentials add elsewhere."""
        security = self._security if o.security is None else o.security
        found = self._prepared.get(security)
        if found is None:
            where = f"{o.method.upper()} {o.path}"
            applied = self._credentials.apply(security, type(self).__name__, where)
            headers = {**self._headers, **applied.headers, **self._custom_headers}
            found = self._prepared[security] = (headers, applied)
        return found

    def _build_request(self, o: Options) -> httpx.Request:
        headers, applied = self._starting_headers(o)
        if o.extra_headers is not None:
            headers = {**headers, **o.extra_headers}
        cookies = (o.cookies or []) + applied.cookies
        if cookies and not any(k.lower() == "cookie" for k in headers):
            headers = {**headers, "Cookie": cookie_header(cookies)}
        query = query_string(o.query, o.extra_query, applied.query)
        if self._base_query:  # the base URL's own query, before what the call sends
            replaced = {escape(str(k)) for k in o.extra_query or ()}
            kept = "&".join(
                p
                for p in self._base_query.split("&")
                if p.split("=", 1)[0] not in replaced
            )
            query = "?" + kept + ("&" + query[1:] if query else "") if kept else query
        timeout = self.timeout if isinstance(o.timeout, NotGiven) else o.timeout
        body = encode_body(
            o.media, o.body, o.content, o.given, o.extra_body, o.form_encoding
        )
        if "headers" in body or o.accept is not None:
            headers = {
                **headers,
                **({"Accept": o.accept} if o.accept is not None else {}),
                **body.pop("headers", {}),
                **(o.extra_headers or {}),
            }
        return self._http.build_request(
            o.method,
            self._base + o.path + query,
            headers=headers,
            timeout=timeout,
            **body,
        )

    # One attempt, in steps the sync and async loops share.

    def _start_attempt(
        self,
        request: httpx.Request,
        limits: dict[str, float | None],
        call_deadline: float | None,
    ) -> tuple[float, float | None]:
        """(start, deadline) of the next attempt; its timeouts are cut to what is left."""
        start = self._clock()
        budget = attempt_budget(limits)
        if budget is None:
            return start, None
        deadline, left = start + budget, budget
        if call_deadline is not None and call_deadline < deadline:
            deadline, left = call_deadline, max(call_deadline - start, _MIN_TIMEOUT)
        request.extensions["timeout"] = {
            k: left if v is None or v > left else v for k, v in limits.items()
        }
        return start, deadline

    def _closed(self) -> _Outcome | None:
        if not self._http.is_closed:
            return None
        return _Outcome(
            None,
            APIUsageError(f"{type(self).__name__} is closed: make a new client"),
            label="closed",
        )

    def _send_failed(self, e: Exception, request: httpx.Request) -> _Outcome:
        """The outcome of a request that got no response."""
        label = type(e).__name__
        if isinstance(e, httpx.TimeoutException):
            return _Outcome(None, APITimeoutError(request), e, True, label)
        if isinstance(
            e,
            (
                httpx.LocalProtocolError,
                httpx.UnsupportedProtocol,
                httpx.InvalidURL,
                RuntimeError,
            ),
        ):
            hint = ""
            if isinstance(e, RuntimeError) and isinstance(
                self._http, httpx.AsyncClient
            ):
                hint = f" (an {type(self).__name__} keeps connections of the event loop it first ran in: make one client per loop)"
            message = redact(f"The request cannot be sent: {e}{hint}", self._secrets)
            return _Outcome(
                None, APIUsageError(shorten(message), request), e, False, label
            )
        if isinstance(e, httpx.TransportError):
            return _Outcome(None, APIConnectionError(request), e, True, label)
        message = redact(f"Connection error: {label}: {e}", self._secrets)
        return _Outcome(
            None, APIConnectionError(request, shorten(message)), e, False, label
        )

    def _redirect(
        self, request: httpx.Request, response: httpx.Response, count: int
    ) -> httpx.Request | None:
        """The request to follow a redirect with: GET only, same origin, a few at most."""
        if (
            request.method != "GET"
            or count >= MAX_REDIRECTS
            or not response.has_redirect_location
        ):
            return None
        try:
            url = request.url.join(response.headers["location"])
            same_origin = _same_origin(url, request.url)
        except (
            Exception
        ):  # a Location that is not a URL (or not a host) is not followed
            return None
        if not same_origin:
            return None
        return httpx.Request(
            "GET", url, headers=request.headers, extensions=request.extensions
        )

    def _finish(
        self,
        response: httpx.Response,
        problem: str | None,
        deadline: float | None,
    ) -> _Outcome:
        """The outcome of a response whose body was read (or, with `problem`, could not be)."""
        if deadline is not None and self._clock() > deadline:
            return _Outcome(
                None, APITimeoutError(response.request), None, True, "deadline passed"
            )
        if problem is not None:
            response._content = b""
        if response.is_success:
            if problem is None:
                return _Outcome(response)
            message = f"$: response body {problem}"
            return _Outcome(
                response,
                APIResponseValidationError(message, response, secrets=self._secrets),
                label=f"{response.status_code} ({problem})",
            )
        return _Outcome(
            response,
            make_status_error(response, self._secrets, problem),
            retry=should_retry(response),
        )

    def _retry_wait(
        self, retries: int, outcome: _Outcome, call_deadline: float | None
    ) -> float | None:
        """Seconds to wait before the next attempt, or None when there is none to make."""
        if not outcome.retry or retries >= self.max_retries:
            return None
        wait = retry_delay(
            retries, None if outcome.response is None else outcome.response.headers
        )
        if call_deadline is not None and self._clock() + wait >= call_deadline:
            return None  # the call's budget would run out while waiting
        return wait

    def _log_attempt(
        self,
        request: httpx.Request,
        attempt: int,
        start: float,
        status: int | str,
        wait: float | None,
    ) -> None:
        elapsed = self._clock() - start
        url = redact(str(request.url), self._secrets)
        if wait is None:
            logger.debug(
                "%s %s -> %s in %.3fs (attempt %d)",
                request.method,
                url,
                status,
                elapsed,
                attempt,
            )
        else:
            logger.info(
                "%s %s -> %s in %.3fs (attempt %d of %d); retrying in %.2fs",
                request.method,
                url,
                status,
                elapsed,
                attempt,
                self.max_retries + 1,
                wait,
            )

    def _after_attempt(
        self,
        request: httpx.Request,
        retries: int,
        start: float,
        outcome: _Outcome,
        call_deadline: float | None,
    ) -> float | None:
        """Log the attempt; the wait before the next one, None when this one is final."""
        wait = (
            None
            if outcome.error is None
            else self._retry_wait(retries, outcome, call_deadline)
        )
        level = logging.DEBUG if wait is None else logging.INFO
        if logger.isEnabledFor(level):
            self._log_attempt(request, retries + 1, start, outcome.label, wait)
        return wait


def _raise(outcome: _Outcome) -> NoReturn:
    assert outcome.error is not None
    raise outcome.error from outcome.cause


class SyncAPIClient(BaseClient[httpx.Client]):
    _sleep: Callable[[float], None] = staticmethod(time.sleep)

    def _new_http_client(self, timeout: Timeout) -> httpx.Client:
        return httpx.Client(timeout=timeout, follow_redirects=False)

    def close(self) -> None:
        """Close the connection pool, if this client created it (an `http_client` you pass stays yours)."""
        if self._owns_http:
            self._http.close()

    def __enter__(self: C) -> C:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def request(self, o: Options, cast: Callable[[Any], T]) -> T:
        return parse_response(self._send(o)[0], cast, self._secrets)

    def request_raw(self, o: Options, cast: Callable[[Any], T]) -> APIResponse[T]:
        response, retries = self._send(o)
        return APIResponse(response, cast, retries, self._secrets)

    def _send(self, o: Options) -> tuple[httpx.Response, int]:
        request, limits, call_deadline = self._prepare(o, _trace)
        retries = 0
        while True:
            start, deadline = self._start_attempt(request, limits, call_deadline)
            token = _deadline.set(None if deadline is None else (deadline, self._clock))
            try:
                outcome = self._attempt(request, deadline)
            finally:
                _deadline.reset(token)
            wait = self._after_attempt(request, retries, start, outcome, call_deadline)
            if outcome.error is None and outcome.response is not None:
                return outcome.response, retries
            if wait is None:
                _raise(outcome)
            self._sleep(wait)
            retries += 1

    def _attempt(self, request: httpx.Request, deadline: float | None) -> _Outcome:
        closed = self._closed()
        if closed is not None:
            return closed
        for redirects in range(MAX_REDIRECTS + 1):
            try:
                response = self._http.send(request, stream=True, follow_redirects=False)
            except MemoryError:
                raise
            except Exception as e:
                return self._send_failed(e, request)
            try:
                follow = self._redirect(request, response, redirects)
                if follow is not None:
                    request = follow
                    continue
                problem = None
                limit = self.max_response_bytes
                if _read_first(response, limit):
                    body = _Body(limit, deadline, self._clock, content_coding(response))
                    for data in response.iter_raw():
                        body.feed(data)
                    body.done(response)
            except _Unreadable as e:
                problem = str(e)
            except MemoryError:
                raise
            except Exception as e:
                return self._send_failed(e, request)
            finally:
                response.close()
            return self._finish(response, problem, deadline)
        raise AssertionError("unreachable")


class AsyncAPIClient(BaseClient[httpx.AsyncClient]):
    _sleep: Callable[[float], Any] = staticmethod(asyncio.sleep)

    def _new_http_client(self, timeout: Timeout) -> httpx.AsyncClient:
        return httpx.AsyncClient(timeout=timeout, follow_redirects=False)

    async def close(self) -> None:
        """Close the connection pool, if this client created it (an `http_client` you pass stays yours)."""
        if self._owns_http:
            await self._http.aclose()

    async def __aenter__(self: C) -> C:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def request(self, o: Options, cast: Callable[[Any], T]) -> T:
        return parse_response((await self._send(o))[0], cast, self._secrets)

    async def request_raw(self, o: Options, cast: Callable[[Any], T]) -> APIResponse[T]:
        response, retries = await self._send(o)
        return APIResponse(response, cast, retries, self._secrets)

    async def _send(self, o: Options) -> tuple[httpx.Response, int]:
        request, limits, call_deadline = self._prepare(o, _atrace)
        retries = 0
        while True:
            start, deadline = self._start_attempt(request, limits, call_deadline)
            token = _deadline.set(None if deadline is None else (deadline, self._clock))
            try:
                outcome = await self._attempt(request, deadline)
            finally:
                _deadline.reset(token)
            wait = self._after_attempt(request, retries, start, outcome, call_deadline)
            if outcome.error is None and outcome.response is not None:
                return outcome.response, retries
            if wait is None:
                _raise(outcome)
            await self._sleep(wait)
            retries += 1

    async def _attempt(
        self, request: httpx.Request, deadline: float | None
    ) -> _Outcome:
        closed = self._closed()
        if closed is not None:
            return closed
        for redirects in range(MAX_REDIRECTS + 1):
            try:
                response = await self._http.send(
                    request, stream=True, follow_redirects=False
                )
            except MemoryError:
                raise
            except Exception as e:
                return self._send_failed(e, request)
            try:
                follow = self._redirect(request, response, redirects)
                if follow is not None:
                    request = follow
                    continue
                problem = None
                limit = self.max_response_bytes
                if _read_first(response, limit):
                    body = _Body(limit, deadline, self._clock, content_coding(response))
                    async for data in response.aiter_raw():
                        body.feed(data)
                    body.done(response)
            except _Unreadable as e:
                problem = str(e)
            except MemoryError:
                raise
            except Exception as e:
                return self._send_failed(e, request)
            finally:
                await response.aclose()
            return self._finish(response, problem, deadline)
        raise AssertionError("unreachable")
