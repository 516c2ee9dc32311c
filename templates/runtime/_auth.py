"""Credentials: which security scheme sends what, chosen per operation. Copied verbatim into the package.

A security requirement is a tuple of alternatives, each the scheme names sent together: the
first alternative the client has every credential for is used. `()` sends nothing; an empty
alternative makes credentials optional.
"""

from __future__ import annotations

import base64
import logging
import os
import threading
import weakref
from typing import Mapping, NamedTuple
from urllib.parse import quote

from ._exceptions import APIError

Security = tuple[tuple[str, ...], ...]
Pairs = list[tuple[str, str]]


class SecurityScheme(NamedTuple):
    """Where one scheme's credential goes, and the client arguments and variables it comes from."""

    kind: str  # "apiKey" | "bearer" | "basic"
    location: str  # "header" | "query" | "cookie"
    name: str  # the header, query parameter or cookie
    args: tuple[str, ...]  # ("api_key",) or ("username", "password")
    env: tuple[str, ...]  # one environment variable per argument


class Applied(NamedTuple):
    """What a requirement adds to a request."""

    headers: dict[str, str]
    query: Pairs  # percent-encoded
    cookies: Pairs


class Credentials:
    """The credentials a client was given (or found in the environment); never printed."""

    __slots__ = ("_schemes", "_values", "secrets", "__weakref__")

    def __init__(
        self, schemes: Mapping[str, SecurityScheme], given: Mapping[str, str | None]
    ) -> None:
        self._schemes = schemes
        values: dict[str, str] = {}
        for scheme in schemes.values():
            for arg, env in zip(scheme.args, scheme.env):
                value = given.get(arg)
                if value is None and env:
                    value = os.environ.get(env)
                if value:
                    values[arg] = value
        self._values = values
        # Everything that could leak a credential, longest first so that none is left half-replaced.
        secrets = set(values.values())
        secrets |= {quote(v, safe="") for v in values.values()}
        for scheme in schemes.values():
            if scheme.kind == "basic" and self.has(scheme):
                secrets.add(_basic(*(values[a] for a in scheme.args)))
        self.secrets = tuple(sorted(secrets, key=lambda s: (-len(s), s)))
        if any(s.location == "query" and self.has(s) for s in schemes.values()):
            _HTTPX_LOG.watch(self)

    def get(self, arg: str) -> str | None:
        return self._values.get(arg)

    def given(self) -> dict[str, str]:
        """The credentials as constructor arguments (to copy a client)."""
        return dict(self._values)

    def has(self, scheme: SecurityScheme) -> bool:
        return all(arg in self._values for arg in scheme.args)

    def any(self) -> bool:
        return any(self.has(s) for s in self._schemes.values())

    def missing(self, client: str) -> str:
        """Why a client cannot be built: it has no credentials at all, and every operation needs some."""
        alternatives = tuple((k,) for k in self._schemes)
        api_key = all(s.args == ("api_key",) for s in self._schemes.values())
        return ("No API key: " if api_key else "No credentials: ") + self._how(
            alternatives, client
        )

    def apply(self, security: Security, client: str, what: str) -> Applied:
        """What the first alternative the client has credentials for sends; APIError (before sending) when none."""
        if not security:
            return Applied({}, [], [])
        for alternative in security:
            schemes = [self._schemes[k] for k in alternative]
            if all(self.has(s) for s in schemes):
                found = Applied({}, [], [])
                for s in schemes:
                    self._send(s, found)
                return found
        raise APIError(f"{what} needs credentials: {self._how(security, client)}")

    def _how(self, alternatives: Security, client: str) -> str:
        ways = []
        for alternative in alternatives:
            args = [a for k in alternative for a in self._schemes[k].args]
            env = [e for k in alternative for e in self._schemes[k].env]
            ways.append(
                f"pass {' and '.join(a + '=' for a in args)} to {client}() or set the "
                f"{' and '.join(env)} environment variable{'s' if len(env) > 1 else ''}"
            )
        return "; or ".join(ways)

    def _send(self, scheme: SecurityScheme, into: Applied) -> None:
        values = [self._values[a] for a in scheme.args]
        if scheme.kind == "basic":
            value = "Basic " + _basic(*values)
        elif scheme.kind == "bearer":
            value = "Bearer " + values[0]
        else:
            value = values[0]
        if scheme.location == "query":
            into.query.append((quote(scheme.name, safe=""), quote(value, safe="")))
        elif scheme.location == "cookie":
            into.cookies.append((scheme.name, value))
        else:
            into.headers[scheme.name] = value

    def redact(self, text: str) -> str:
        """`text` with every credential replaced by `[REDACTED]`."""
        for secret in self.secrets:
            if secret in text:
                text = text.replace(secret, "[REDACTED]")
        return text

    def __repr__(self) -> str:
        return f"<Credentials {sorted(self._values)}>"


def _basic(username: str, password: str) -> str:
    return base64.b64encode(f"{username}:{password}".encode()).decode("ascii")


class _RedactHttpxLog(logging.Filter):
    """httpx logs every request's URL (at INFO): a credential sent in the query must not appear there."""

    def __init__(self) -> None:
        super().__init__()
        self.live: weakref.WeakSet[Credentials] = weakref.WeakSet()
        self.lock = threading.Lock()

    def watch(self, credentials: Credentials) -> None:
        with self.lock:
            self.live.add(credentials)
        # A filter that is there already is not added again.
        logging.getLogger("httpx").addFilter(self)

    def filter(self, record: logging.LogRecord) -> bool:
        with self.lock:
            live = list(self.live)
        message = redacted = record.getMessage()
        for credentials in live:
            redacted = credentials.redact(redacted)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True


_HTTPX_LOG = _RedactHttpxLog()
