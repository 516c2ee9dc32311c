"""HTTP runtime shared by every generated client. Copied verbatim into the package."""

from __future__ import annotations

import json
import os
from typing import Any, Callable, Mapping, TypeVar
from urllib.parse import quote

import httpx

from ._exceptions import APIConnectionError, APIResponseValidationError, APIStatusError
from ._models import ValidationError, dump

T = TypeVar("T")


def path_param(value: str) -> str:
    """Percent-encode one path segment, `/` included."""
    text = str(value)
    if text in ("", ".", ".."):
        raise ValueError(f"path parameter must not be {text!r}")
    return quote(text, safe="")


class NotGiven:
    """The default of optional arguments: omitted, which is not the same as None (JSON null)."""

    def __bool__(self) -> bool:
        return False

    def __repr__(self) -> str:
        return "NOT_GIVEN"


NOT_GIVEN = NotGiven()


def json_body(fields: Mapping[str, Any]) -> dict[str, Any]:
    """The request body: only the arguments the caller gave, as plain JSON."""
    return {k: dump(v) for k, v in fields.items() if not isinstance(v, NotGiven)}


def query_params(fields: Mapping[str, Any]) -> dict[str, Any]:
    return {k: dump(v) for k, v in fields.items() if not isinstance(v, NotGiven) and v is not None}


def read_none(value: Any) -> None:
    return None


class SyncAPIClient:
    def __init__(
        self,
        *,
        api_key: str | None,
        base_url: str | None,
        api_key_env: str,
        base_url_env: str,
        default_base_url: str,
        timeout: float | httpx.Timeout = httpx.Timeout(600.0, connect=5.0),
        default_headers: Mapping[str, str] | None = None,
        http_client: httpx.Client | None = None,
    ) -> None:
        api_key = api_key if api_key is not None else os.environ.get(api_key_env)
        if not api_key:
            raise APIConnectionError(f"no API key: pass api_key= or set the {api_key_env} environment variable")
        self._api_key = api_key
        self.base_url = (base_url or os.environ.get(base_url_env) or default_base_url).rstrip("/")
        self.timeout = timeout
        self._default_headers = dict(default_headers or {})
        self._http = http_client or httpx.Client(timeout=timeout)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={self.base_url!r})"

    def close(self) -> None:
        self._http.close()

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self._api_key}", "Accept": "application/json", **self._default_headers}

    def request(
        self, method: str, path: str, *, body: Any, query: Mapping[str, Any] | None, cast: Callable[[Any], T]
    ) -> T:
        try:
            response = self._http.request(
                method, self.base_url + path, json=body, params=query, headers=self._headers()
            )
        except httpx.HTTPError as e:
            raise APIConnectionError(f"{type(e).__name__} while calling {method.upper()} {path}") from None
        if not response.is_success:
            try:
                payload: Any = response.json()
            except ValueError:
                payload = response.text
            raise APIStatusError(f"HTTP {response.status_code} from {method.upper()} {path}", response, payload)
        try:
            return cast(json.loads(response.content) if response.content else None)
        except ValueError as e:
            path_text = e.json_path if isinstance(e, ValidationError) else "$"
            raise APIResponseValidationError(str(e), response, path_text) from None
