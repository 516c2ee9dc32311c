"""Import and first-use times of the whole OpenAI spec's package, beside `import openai`.

`make bench-imports` (or `python tests/benchmarks/imports.py` from a virtualenv with `openai`
and `httpx`, such as the tests' .venv). Not part of the test suite: it prints a table.

It generates the package of the newest full OpenAI spec (`openai-2026-08-14-b6c1bec.yaml.gz`)
into a temporary directory with `python -m generator generate` (the formatting cache makes a
second run quick; `--package-dir` reuses a package generated before), writes its `.pyc` files,
then times fresh interpreters, interleaved (A, B, C, A, B, C, ...), and reports each median
minus a bare interpreter's.
"""

from __future__ import annotations

import argparse
import gzip
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import measure

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
SPEC = HERE / "openai-2026-08-14-b6c1bec.yaml.gz"
PACKAGE = "openai_full"
CONFIG = f"""\
package: {PACKAGE}
client_class: OpenAI
async_client_class: AsyncOpenAI
spec: openai.yaml
output: .
"""
KEY = "api_key='sk-bench'"

# (what is timed, the code, the target as a ratio to `import openai`)
SUBJECTS = [
    ("bare interpreter", "pass", None),
    ("import openai", "import openai", None),
    (f"import {PACKAGE}", f"import {PACKAGE}", 0.1),
    ("client.chat.completions, first use", f"import {PACKAGE}; {PACKAGE}.OpenAI({KEY}).chat.completions", 0.2),
    ("  the modules it imports", f"import {PACKAGE}._client, {PACKAGE}.resources.chat.completions", None),
    ("  httpx: import", "import httpx", None),
    ("  httpx: import, httpx.Client()", "import httpx; httpx.Client()", None),
    ("  the official SDK's", f"import openai; openai.OpenAI({KEY}).chat.completions", None),
    ("a type: CreateChatCompletionResponse", f"import {PACKAGE}; {PACKAGE}.CreateChatCompletionResponse", None),
]


def generate(out: Path) -> Path:
    spec = out / "openai.yaml"
    spec.write_bytes(gzip.decompress(SPEC.read_bytes()))
    (out / "config.yaml").write_text(CONFIG)
    print(f"generating {PACKAGE} (a minute or two with an empty formatting cache) ...", file=sys.stderr, flush=True)
    command = [sys.executable, "-m", "generator", "generate", "--config", str(out / "config.yaml"), "--quiet"]
    result = subprocess.run(command, cwd=REPO, capture_output=True, text=True)  # the spec's validator warnings
    if result.returncode != 0:
        sys.exit(result.stderr)
    return out / PACKAGE


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=31, help="fresh interpreters per subject (default 31)")
    parser.add_argument("--package-dir", type=Path, help=f"an {PACKAGE} package generated before (its parent goes on PYTHONPATH)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-imports-") as tmp:
        package = args.package_dir.resolve() if args.package_dir else generate(Path(tmp))
        env = {**os.environ, "PYTHONPATH": str(package.parent)}
        modules = sum(1 for _ in package.rglob("*.py"))
        for name, code, _ in SUBJECTS:  # writes the .pyc files, and checks that each runs
            result = measure.run_process([sys.executable, "-c", code], env=env)
            if result.exit_code != 0:
                print(f"error: {name}: {result.output.strip().splitlines()[-1]}", file=sys.stderr)
                return 1
        print(f"timing {len(SUBJECTS)} subjects x {args.runs} fresh interpreters ...", file=sys.stderr, flush=True)
        subjects = {name: (lambda code=code: measure.run_process([sys.executable, "-c", code], env=env).seconds) for name, code, _ in SUBJECTS}
        samples = measure.interleave(subjects, args.runs)
    bare = measure.median(samples["bare interpreter"])
    medians = {name: measure.median(s) - bare for name, s in samples.items()}
    reference = medians["import openai"]
    print(f"{PACKAGE}: {modules} modules; medians of {args.runs} fresh interpreters, minus a bare one ({bare * 1e3:.1f} ms)")
    print(f"{'subject':<38} {'median':>9} {'vs import openai':>17}  target")
    for name, _, target in SUBJECTS[1:]:
        ratio = medians[name] / reference
        verdict = f"<= {target:.2f}x {'PASS' if ratio <= target else 'MISS'}" if target is not None else ""
        print(f"{name:<38} {medians[name] * 1e3:>6.1f} ms {ratio:>16.3f}x  {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
