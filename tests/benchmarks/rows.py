"""The four measured rows: generation, parsing, import and per-call overhead."""

from __future__ import annotations

import importlib
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

import measure
import payload
import tools

GENERATED = tools.REPO / "generated"


@dataclass
class Entry:
    """One line of the table."""

    row: str
    subject: str
    seconds: float | None  # median; None when not measured
    runs: int = 0
    peak_mib: float | None = None
    ratio: float | None = None
    reference: str = ""
    note: str = ""
    exit_code: int | None = None
    samples: list[float] = field(default_factory=list)
    output_head: str = ""  # a generator's first lines of output, for results.json


def na(row: str, subject: str, reason: str) -> Entry:
    return Entry(row, subject, None, note=f"n/a ({reason})")


def set_ratios(entries: list[Entry], reference: str, ref_seconds: float | None) -> None:
    for e in entries:
        e.reference = reference
        if e.seconds is not None and ref_seconds:
            e.ratio = e.seconds / ref_seconds


# --- 1. generation -------------------------------------------------------------------------


def generation(case: str, spec: Path, runs: int, scratch: Path) -> list[Entry]:
    row = f"generate {case} ({tools.count_operations(spec)} ops)"
    results: dict[str, list[measure.ProcRun]] = {g.name: [] for g in tools.GENERATORS}
    failed: set[str] = set()
    warm_cache = scratch / "cache-warm"

    def once(gen: tools.Generator, out: Path) -> measure.ProcRun:
        env = dict(tools.ENV)
        if gen.cache:  # ours: a fresh empty cache each run, or one shared, primed cache
            cache = warm_cache if gen.cache == "warm" else out.with_name(out.name + "-cache")
            env[tools.OURS_CACHE_ENV] = str(cache)
        shutil.rmtree(out, ignore_errors=True)
        out.mkdir(parents=True)
        try:
            return measure.run_process(gen.command(spec, out), cwd=str(scratch), env=env)
        finally:
            shutil.rmtree(out, ignore_errors=True)
            if gen.cache == "cold":  # the first cold run's cache becomes the warm one
                cold = Path(env[tools.OURS_CACHE_ENV])
                if cold.is_dir() and not warm_cache.exists():
                    cold.rename(warm_cache)
                shutil.rmtree(cold, ignore_errors=True)

    def subject(gen: tools.Generator) -> Callable[[], float]:
        def run() -> float:
            if gen.name in failed:  # a tool that failed once is not run again
                return float("nan")
            res = once(gen, scratch / f"{gen.name}-{len(results[gen.name])}".replace(", ", "-").replace(" ", "-"))
            results[gen.name].append(res)
            if res.exit_code != 0:
                failed.add(gen.name)
            return res.seconds

        return run

    shutil.rmtree(warm_cache, ignore_errors=True)
    measure.interleave({g.name: subject(g) for g in tools.GENERATORS}, runs)
    entries = []
    for gen in tools.GENERATORS:
        done = results[gen.name]
        last = done[-1]
        ok = last.exit_code == 0
        summary = gen.summary(last.output)
        if ok:
            note = f"ok; {summary}" if summary else "ok"
            note += f" ({runs} runs only)" if runs < 5 else ""
        else:
            note = f"FAILED, exit {last.exit_code}, not run again: {tools.first_error_lines(last.output)}"
        entries.append(
            Entry(
                row,
                gen.name,
                measure.median([r.seconds for r in done]) if ok else None,
                runs=len(done),
                peak_mib=measure.median([r.peak_kib for r in done]) / 1024 if ok else None,
                note=note,
                exit_code=last.exit_code,
                samples=[r.seconds for r in done],
                output_head="\n".join(last.output.splitlines()[:20])[:4000],
            )
        )
    peers = [e for e in entries if not e.subject.startswith("ours") and e.seconds is not None]
    fastest = min(peers, key=lambda e: e.seconds or 0.0, default=None)
    if fastest is None:
        set_ratios(entries, "faster peer", None)
    else:
        set_ratios(entries, f"faster peer ({fastest.subject})", fastest.seconds)
    return entries


# --- 2. parsing ----------------------------------------------------------------------------


def import_ours() -> ModuleType:
    if not (GENERATED / tools.OURS_PACKAGE / "__init__.py").is_file():
        raise ImportError(f"generated/{tools.OURS_PACKAGE} does not exist yet")
    if str(GENERATED) not in sys.path:
        sys.path.insert(0, str(GENERATED))
    return importlib.import_module(tools.OURS_PACKAGE)


def opc_client(scratch: Path) -> Path | None:
    """Generate openapi-python-client's client for the fragment once; return its package dir."""
    out = scratch / "opc-client"
    res = measure.run_process(tools.opc_command(tools.FRAGMENT, out), cwd=str(scratch), env=tools.ENV)
    return tools.find_package(out) if res.exit_code == 0 else None


def import_opc(package: Path | None) -> ModuleType:
    if package is None:
        raise ImportError("openapi-python-client did not generate a client")
    if str(package.parent) not in sys.path:
        sys.path.insert(0, str(package.parent))
    return importlib.import_module(f"{package.name}.models")


def parsing(runs: int, opc_package: Path | None) -> list[Entry]:
    row = "parse 1.2 MB"
    raw = payload.build_bytes()
    decoded = json.loads(raw)
    subjects: dict[str, Callable[[], Any]] = {"json.loads (bytes)": lambda: json.loads(raw)}
    missing: list[Entry] = []

    try:
        ours = import_ours().ChatCompletion
        subjects["ours from_dict (dict)"] = lambda: ours.from_dict(decoded)
        subjects["ours from_json (bytes)"] = lambda: ours.from_json(raw)
    except Exception as exc:  # noqa: BLE001 - any failure is reported, not raised
        missing += [na(row, "ours from_dict (dict)", str(exc)), na(row, "ours from_json (bytes)", str(exc))]

    from openai._models import construct_type
    from openai.types.chat import ChatCompletion as OpenAIChatCompletion

    # What the official client does with a 200 JSON answer (non-strict, the default):
    # httpx2.Response.json() is json.loads(content), then _process_response_data -> construct_type.
    subjects["openai client path (bytes)"] = lambda: construct_type(type_=OpenAIChatCompletion, value=json.loads(raw))
    subjects["openai model_validate (dict)"] = lambda: OpenAIChatCompletion.model_validate(decoded)

    try:
        opc_model = import_opc(opc_package).CreateChatCompletionResponse
        subjects["openapi-python-client from_dict (dict)"] = lambda: opc_model.from_dict(decoded)
    except Exception as exc:  # noqa: BLE001
        missing.append(na(row, "openapi-python-client from_dict (dict)", str(exc)))

    subjects["msgspec typed decode (bytes)"] = lambda: payload.MSGSPEC_DECODER.decode(raw)

    checked: dict[str, Callable[[], Any]] = {}
    for name, fn in subjects.items():  # warm up, and check every parser read all tokens
        try:
            count = payload.token_count(fn())
        except Exception as exc:  # noqa: BLE001
            missing.append(na(row, name, f"failed: {type(exc).__name__}: {str(exc)[:120]}"))
            continue
        if count == payload.TOKENS:
            checked[name] = fn
        else:
            missing.append(na(row, name, f"read {count} tokens, not {payload.TOKENS}"))

    assert decoded == json.loads(raw), "a parser changed the dict it was given"
    samples = measure.interleave({name: measure.timed(fn) for name, fn in checked.items()}, runs)
    entries = [Entry(row, name, measure.median(s), runs=len(s), samples=s) for name, s in samples.items()]
    entries += missing
    ref = next((e.seconds for e in entries if e.subject.startswith("json.loads")), None)
    set_ratios(entries, "json.loads", ref)
    return entries


# --- 3. import -----------------------------------------------------------------------------


def importing(runs: int, opc_package: Path | None) -> list[Entry]:
    row = "import"
    paths = [str(GENERATED)] + ([str(opc_package.parent)] if opc_package else [])
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(paths)}
    statements = {"bare interpreter": "pass", "import openai": "import openai"}
    entries: list[Entry] = []
    if (GENERATED / tools.OURS_PACKAGE / "__init__.py").is_file():
        statements[f"import {tools.OURS_PACKAGE}"] = f"import {tools.OURS_PACKAGE}"
    else:
        entries.append(na(row, f"import {tools.OURS_PACKAGE}", f"generated/{tools.OURS_PACKAGE} does not exist yet"))
    if opc_package:
        statements[f"import {opc_package.name} (openapi-python-client)"] = f"import {opc_package.name}"
    else:
        entries.append(na(row, "openapi-python-client package", "not generated"))

    def subject(code: str) -> Callable[[], float]:
        return lambda: measure.run_process([sys.executable, "-c", code], env=env).seconds

    for name, code in list(statements.items()):  # warm up: write .pyc files, check it imports
        res = measure.run_process([sys.executable, "-c", code], env=env)
        if res.exit_code != 0:
            del statements[name]
            entries.append(na(row, name, f"failed: {tools.first_error_lines(res.output, 1)}"))
    samples = measure.interleave({name: subject(code) for name, code in statements.items()}, runs)
    bare = measure.median(samples.pop("bare interpreter"))
    for name, s in samples.items():
        e = Entry(row, name, measure.median(s) - bare, runs=len(s), samples=s)
        e.note = f"minus bare interpreter {bare * 1e3:.1f} ms"
        entries.insert(0, e)
    ref = next((e.seconds for e in entries if e.subject == "import openai"), None)
    set_ratios(entries, "import openai", ref)
    return sorted(entries, key=lambda e: (e.seconds is None, e.subject != f"import {tools.OURS_PACKAGE}"))


# --- 4. per-call overhead ------------------------------------------------------------------


class LocalServer:
    """The fixed-answer server of server.py, as a child process on 127.0.0.1."""

    def __init__(self) -> None:
        script = Path(__file__).with_name("server.py")
        self.proc = subprocess.Popen(
            [sys.executable, str(script)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, cwd=script.parent
        )
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if not line.strip().isdigit():
            self.close()
            raise RuntimeError(f"the local server did not start (it printed {line[:80]!r})")
        self.url = f"http://127.0.0.1:{int(line)}/v1"

    def close(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.close()  # the server exits when its stdin closes
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def calls(count: int) -> list[Entry]:
    row = f"call x{count}"
    try:
        server = LocalServer()
    except (OSError, RuntimeError) as exc:
        return [na(row, "ours update()", str(exc)), na(row, "openai update()", str(exc))]
    try:
        import openai

        subjects: dict[str, Callable[[], Any]] = {}
        entries: list[Entry] = []
        try:
            ours_client = import_ours().OpenAI(api_key="k", base_url=server.url)
            subjects["ours update()"] = lambda: ours_client.chat.completions.update(
                "chatcmpl-123", metadata={"foo": "bar"}
            )
        except Exception as exc:  # noqa: BLE001
            entries.append(na(row, "ours update()", str(exc)))
        official = openai.OpenAI(api_key="k", base_url=server.url, max_retries=0)
        subjects["openai update()"] = lambda: official.chat.completions.update("chatcmpl-123", metadata={"foo": "bar"})

        for name, fn in list(subjects.items()):  # warm up the connections; check the answer
            try:
                for _ in range(20):
                    result = fn()
                assert getattr(result, "id", None) == payload.COMPLETION_ID, repr(result)[:100]
            except Exception as exc:  # noqa: BLE001
                del subjects[name]
                entries.append(na(row, name, f"failed: {type(exc).__name__}: {str(exc)[:120]}"))
        start = time.perf_counter()
        samples = measure.interleave(
            {name: measure.timed(fn) for name, fn in subjects.items()}, count, collect=False
        )
        wall = time.perf_counter() - start
        measured = []
        for name, s in samples.items():
            p90 = sorted(s)[int(len(s) * 0.9)]
            measured.append(Entry(row, name, measure.median(s), runs=len(s), note=f"p90 {p90 * 1e6:.0f} us"))
        if measured:
            measured[-1].note += f"; {wall:.1f} s for all"
        entries = measured + entries
    finally:
        server.close()
    ref = next((e.seconds for e in entries if e.subject == "openai update()"), None)
    set_ratios(entries, "openai SDK", ref)
    return entries
