"""Benchmark: our generator and its output against peer tools and the official SDK.

Run with `make bench` (it builds .venv-bench first). Prints one table and writes
tests/benchmarks/results.json. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import gzip
import json
import math
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from importlib import metadata
from pathlib import Path

import rows
import tools

HERE = Path(__file__).resolve().parent
FULL_SPEC = HERE / "openai-2026-08-14-b6c1bec.yaml.gz"
RESULTS = HERE / "results.json"


LEGEND = """
median: wall time (generate: whole process; import: minus a bare interpreter; call: per call).
peak MiB: ru_maxrss of the generator process. (dict): from the decoded dict; (bytes): from
the raw bytes, JSON decoding included. Generation "ours" starts from an empty formatting
cache each run (the target applies to it); "ours, warm cache" reuses the cache of the first
cold run. Samples interleaved, garbage collector on."""


@dataclass(frozen=True)
class Target:
    row: str
    subject: str
    limit: float  # the highest ratio that passes
    against: str

    def verdict(self, entry: rows.Entry) -> str:
        if entry.ratio is None:
            return "n/a"
        return "PASS" if entry.ratio <= self.limit else "MISS"


TARGETS = [
    Target("generate fragment", "ours", 0.5, "faster peer"),
    Target("parse 1.2 MB", "ours from_dict (dict)", 0.9, "json.loads"),
    Target("parse 1.2 MB", "ours from_json (bytes)", 1.5, "json.loads"),
    Target("import", f"import {tools.OURS_PACKAGE}", 0.05, "import openai"),
    Target("call x", "ours update()", 0.7, "openai SDK"),
]


def target_for(entry: rows.Entry) -> Target | None:
    return next((t for t in TARGETS if entry.row.startswith(t.row) and entry.subject == t.subject), None)


def fmt_time(seconds: float | None) -> str:
    if seconds is None or math.isnan(seconds):
        return "-"
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("us", 1e-6)):
        if abs(seconds) >= scale:
            return f"{seconds / scale:.3g} {unit}"
    return f"{seconds / 1e-6:.3g} us"


def fmt_ratio(ratio: float | None) -> str:
    if ratio is None:
        return "-"
    return f"{ratio:.2f}x" if ratio >= 0.1 else f"{ratio:.3f}x"  # 0.048x must not read as 0.05x


def table(entries: list[rows.Entry]) -> str:
    header = ["row", "subject", "median", "peak MiB", "ratio", "vs", "target", "runs", "notes"]
    lines = [header]
    for e in entries:
        t = target_for(e)
        lines.append(
            [
                e.row,
                e.subject,
                fmt_time(e.seconds),
                f"{e.peak_mib:.0f}" if e.peak_mib is not None else "",
                fmt_ratio(e.ratio),
                e.reference,
                f"<= {t.limit:.2f}x {t.verdict(e)}" if t else "",
                str(e.runs) if e.runs else "",
                e.note,
            ]
        )
    widths = [max(len(line[i]) for line in lines) for i in range(len(header) - 1)]
    out = []
    for n, line in enumerate(lines):
        cells = [cell.ljust(w) for cell, w in zip(line, widths)] + [line[-1]]
        out.append("  ".join(cells).rstrip())
        if n == 0:
            out.append("  ".join("-" * w for w in widths) + "  -----")
    return "\n".join(out)


def versions() -> dict[str, str]:
    found = {}
    for dist in ("openapi-python-client", "datamodel-code-generator", "openai", "pydantic", "msgspec", "httpx"):
        try:
            found[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            found[dist] = "missing"
    return found


def git_commit() -> str:
    res = subprocess.run(["git", "rev-parse", "HEAD"], cwd=tools.REPO, capture_output=True, text=True)
    return res.stdout.strip()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", default="generate,parse,import,call", help="comma-separated rows to run")
    parser.add_argument("--runs", type=int, default=5, choices=range(1, 100), metavar="N", help="runs per subject for the fragment generation")
    parser.add_argument("--full-runs", type=int, default=3, help="runs per subject for the full spec (0: skip it)")
    parser.add_argument("--parse-runs", type=int, default=21)
    parser.add_argument("--import-runs", type=int, default=21)
    parser.add_argument("--calls", type=int, default=1000)
    args = parser.parse_args()
    wanted = set(args.rows.split(","))
    started = time.perf_counter()
    load_before = os.getloadavg()[0]
    entries: list[rows.Entry] = []
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        scratch = Path(tmp)
        if "generate" in wanted:
            print("generating the fragment ...", file=sys.stderr, flush=True)
            entries += rows.generation("fragment", tools.FRAGMENT, args.runs, scratch / "gen")
        if "generate" in wanted and args.full_runs > 0:
            full = scratch / "openai-full.yaml"
            with gzip.open(FULL_SPEC) as src, full.open("wb") as dst:
                shutil.copyfileobj(src, dst)
            print("generating the full spec ...", file=sys.stderr, flush=True)
            entries += rows.generation("full spec", full, args.full_runs, scratch / "gen")
        opc_package = rows.opc_client(scratch) if wanted & {"parse", "import"} else None
        if "parse" in wanted:
            print("parsing ...", file=sys.stderr, flush=True)
            entries += rows.parsing(args.parse_runs, opc_package)
        if "import" in wanted:
            print("importing ...", file=sys.stderr, flush=True)
            entries += rows.importing(args.import_runs, opc_package)
        if "call" in wanted:
            print("calling ...", file=sys.stderr, flush=True)
            entries += rows.calls(args.calls)

    load = (load_before, os.getloadavg()[0])
    print(table(entries))
    print(LEGEND)
    print(f"1-minute load average {load[0]:.2f} before, {load[1]:.2f} after, on {os.cpu_count()} CPUs.")
    report = {
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "commit": git_commit(),
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "versions": versions(),
        "seconds_total": round(time.perf_counter() - started, 1),
        "cpus": os.cpu_count(),
        "load_average_1min": load,
        "entries": [asdict(e) for e in entries],
        "targets": [
            {**asdict(t), "ratio": e.ratio, "verdict": t.verdict(e)}
            for e in entries
            if (t := target_for(e)) is not None
        ],
    }
    RESULTS.write_text(json.dumps(report, indent=1, allow_nan=False, default=str) + "\n")
    print(f"\nwritten {RESULTS.relative_to(tools.REPO)} in {report['seconds_total']} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
