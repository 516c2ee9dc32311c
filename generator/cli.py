"""Command line: `generate`, `check` and `slice`. Exit 0 ok, 1 drift, 2 bad input."""

from __future__ import annotations

import argparse
import signal
import sys
from dataclasses import replace
from pathlib import Path

from . import cache
from .build import Config as BuildConfig
from .config import Config, is_module_name, load_config
from .errors import Diagnostic, SpecError
from .load import load
from .pipeline import generate
from .slice import dump_slice
from .write import diff_tree, write_tree

DEFAULT_CONFIG = "spec/config.yaml"


def _config(args: argparse.Namespace) -> Config:
    if args.config or Path(DEFAULT_CONFIG).exists() or not args.spec:
        config = load_config(args.config or DEFAULT_CONFIG)
    else:
        config = Config(path="<arguments>", build=BuildConfig(package="client"), spec=Path(args.spec), overlay=None, output=Path("generated"))
    if args.spec:
        config = replace(config, spec=Path(args.spec), overlay=None if not args.config else config.overlay)
    if args.out:
        config = replace(config, output=Path(args.out))
    if args.package_name:
        if not is_module_name(args.package_name):
            raise SpecError.at("<arguments>", "", f"--package-name {args.package_name!r} is not an ASCII Python identifier")
        config = replace(config, build=replace(config.build, package=args.package_name))
    if config.output.exists() and not config.output.is_dir():
        raise SpecError.at(str(config.output), "", "the output directory is a file")
    return config


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m generator", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    for command, text in (("generate", "write the package"), ("check", "compare the package on disk with the spec")):
        p = sub.add_parser(command, help=text)
        p.add_argument("--config", help=f"config file (default: {DEFAULT_CONFIG})")
        p.add_argument("--spec", help="OpenAPI file (default: the config's)")
        p.add_argument("--out", help="output directory (default: the config's)")
        p.add_argument("--package-name", help="Python package name (default: the config's)")
        p.add_argument("--strict", action="store_true", help="treat spec validation errors as fatal")
        p.add_argument("--no-cache", action="store_true", help="neither read nor write the cache (for CI)")
        if command == "generate":
            p.add_argument("--force", action="store_true", help="replace the package even if it holds files the generator did not write")
    p = sub.add_parser("slice", help="reduce a spec to one operation and what it references")
    p.add_argument("spec")
    p.add_argument("--operation", required=True, help="operationId")
    p.add_argument("-o", "--output", help="output file (default: stdout)")
    return parser


def _stop(signum: int, frame: object) -> None:
    raise KeyboardInterrupt  # unwind like Ctrl-C: the write in progress is abandoned, the old tree kept


def main(argv: list[str] | None = None) -> int:
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
        config = _config(args)
        cache.use(not args.no_cache)
        files = generate(config, strict=args.strict)
        target = config.output / config.build.package
        if args.command == "check":
            diff = diff_tree(files, target, _relative(target))
            if diff:
                sys.stdout.write(diff)
                print(f"{_relative(target)} is out of date: run `make generate` (python -m generator generate)", file=sys.stderr)
                return 1
            return 0
        for rel in write_tree(files, target, force=args.force):
            print(f"warning: {Diagnostic(str(target / rel), '', 'not written by the generator; removed (--force)')}", file=sys.stderr)
        return 0
    except SpecError as e:
        for diagnostic in e.diagnostics:
            print(f"error: {diagnostic}", file=sys.stderr)
        return 2
    except OSError as e:  # e.g. slice's output file
        problem = e.strerror or str(e)
        print(f"error: {Diagnostic(str(e.filename), '', problem) if e.filename else problem}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


def _relative(path: Path) -> str:
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.as_posix()
