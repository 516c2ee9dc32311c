"""Command line: `generate`, `check`, `diff` and `slice`. Exit 0 ok, 1 drift (or a breaking change), 2 bad input."""

from __future__ import annotations

import argparse
import os
import signal
import stat
import sys
import time
from dataclasses import replace
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from . import cache
from .build import Config as BuildConfig
from .config import Config, load_config, package_problem
from .diff import FORMATS, report, summary
from .errors import Diagnostic, SpecError
from .load import load
from .pipeline import generate
from .slice import dump_slice
from .write import diff_tree, write_tree

DEFAULT_CONFIG = "spec/config.yaml"
# Errors printed per run, at most; the rest are counted.
MAX_SHOWN = 50


def _config(args: argparse.Namespace) -> Config:
    if args.spec and not args.config:
        # A spec named on its own is not the project's: the project config's operations and names do not apply.
        config = Config(path="", build=BuildConfig(package="client"), spec=Path(args.spec), overlay=None, output=Path("generated"))
    else:
        config = load_config(args.config or DEFAULT_CONFIG)
    problems = list(config.problems)
    if args.spec:
        config = replace(config, spec=Path(args.spec))
    if args.out:
        config = replace(config, output=Path(args.out))
    if args.package_name is not None:
        problems = [p for p in problems if p.pointer != "/package"]  # the argument overrides the config's
        problem = package_problem(args.package_name)
        if problem:
            problems.append(Diagnostic("", "", f"--package-name {args.package_name!r} {problem}"))
        config = replace(config, build=replace(config.build, package=args.package_name))
    if config.output.exists() and not config.output.is_dir():
        problems.append(Diagnostic(str(config.output), "", "the output directory is a file"))
    return replace(config, problems=tuple(problems))


def _program() -> str:
    """The name the user ran: `oasforge`, or `python -m generator`."""
    name = Path(sys.argv[0]).name if sys.argv and sys.argv[0] else ""
    return "python -m generator" if name in ("", "__main__.py", "-c", "-m") else name


def _version() -> str:
    try:
        return version("oasforge")
    except PackageNotFoundError:
        return "(not installed)"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=_program(), description=__doc__)
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    sub = parser.add_subparsers(dest="command", required=True)
    for command, text in (("generate", "write the package"), ("check", "compare the package on disk with the spec")):
        p = sub.add_parser(command, help=text)
        p.add_argument("--config", help=f"config file (default: {DEFAULT_CONFIG}; not read when only --spec is given)")
        p.add_argument("--spec", help="OpenAPI file (default: the config's)")
        p.add_argument("--out", help="output directory (default: the config's)")
        p.add_argument("--package-name", help="Python package name (default: the config's)")
        p.add_argument("--strict", action="store_true", help="treat spec validation errors as fatal")
        p.add_argument("-q", "--quiet", action="store_true", help="no summary line on success")
        p.add_argument("--no-cache", action="store_true", help="neither read nor write the cache (for CI)")
        if command == "generate":
            p.add_argument("--force", action="store_true", help="replace the package even if it holds files the generator did not write")
    p = sub.add_parser("diff", help="what changes for the SDK's callers from one spec to another (exit 1 when something breaks)")
    p.add_argument("old_spec")
    p.add_argument("new_spec")
    p.add_argument("--config", help="config whose names, methods, operations and overlay apply to both (default: none)")
    p.add_argument("--format", choices=list(FORMATS), default="text", help="report format (default: text)")
    p = sub.add_parser("slice", help="reduce a spec to one operation and what it references")
    p.add_argument("spec")
    p.add_argument("--operation", required=True, help="operationId")
    p.add_argument("-o", "--output", help="output file (default: stdout)")
    return parser


def _stop(signum: int, frame: object) -> None:
    raise KeyboardInterrupt  # unwind like Ctrl-C: the write in progress is abandoned, the old tree kept


def _unchanged(files: dict[str, str], target: Path) -> int:
    """How many of `files` are on disk as they are (regular files only: a symlink is never followed)."""
    if target.is_symlink() or not target.is_dir():
        return 0
    count = 0
    for rel, text in files.items():
        try:
            fd = os.open(target / rel, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        except OSError:
            continue
        with os.fdopen(fd, "rb") as f:
            if stat.S_ISREG(os.fstat(fd).st_mode) and f.read() == text.encode("utf-8"):
                count += 1
    return count


def main(argv: list[str] | None = None) -> int:
    started = time.monotonic()
    try:
        signal.signal(signal.SIGTERM, _stop)
    except ValueError:  # not the main thread: leave signals alone
        pass
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as e:
        return 2 if e.code not in (0, None) else 0
    try:
        if args.command == "slice":
            text = dump_slice(load(args.spec), args.operation)
            if args.output:
                Path(args.output).write_text(text, encoding="utf-8")
            else:
                sys.stdout.write(text)
            return 0
        if args.command == "diff":
            text, breaking = report(args.old_spec, args.new_spec, args.config, args.format)
            sys.stdout.write(text)
            return 1 if breaking else 0
        config = _config(args)
        cache.use(not args.no_cache)
        files = generate(config, strict=args.strict)
        target = config.output / config.build.package
        changes = summary(files, target, _relative(target))
        if args.command == "check":
            sys.stdout.write(changes)
            diff = diff_tree(files, target, _relative(target))
            if diff:
                sys.stdout.write(diff)
                print(f"{_relative(target)} is out of date: run `make generate` (python -m generator generate)", file=sys.stderr)
                return 1
            status = f"up to date, {_files(len(files))}"
        else:
            unchanged = _unchanged(files, target)
            for rel in write_tree(files, target, force=args.force):
                print(f"warning: {Diagnostic(str(target / rel), '', 'not written by the generator; removed (--force)')}", file=sys.stderr)
            status = f"{_files(len(files) - unchanged)} written, {unchanged} unchanged"
            if not args.quiet:
                sys.stdout.write(changes)
        if not args.quiet:
            print(f"{_relative(target)}: {status} ({time.monotonic() - started:.2f} s)", file=sys.stderr)
        return 0
    except SpecError as e:
        for diagnostic in e.diagnostics[:MAX_SHOWN]:
            print(f"error: {diagnostic}", file=sys.stderr)
        if len(e.diagnostics) > MAX_SHOWN:
            print(f"... and {len(e.diagnostics) - MAX_SHOWN} more errors", file=sys.stderr)
        return 2
    except OSError as e:  # e.g. slice's output file
        problem = e.strerror or str(e)
        print(f"error: {Diagnostic(str(e.filename), '', problem) if e.filename else problem}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


def _files(count: int) -> str:
    return f"{count} file" if count == 1 else f"{count} files"


def _relative(path: Path) -> str:
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.as_posix()
