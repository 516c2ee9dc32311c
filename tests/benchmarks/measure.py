"""Timing utilities: interleaved sampling, child processes with peak memory, medians."""

from __future__ import annotations

import gc
import os
import statistics
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class ProcRun:
    """One finished child process: wall time, peak RSS and what it printed."""

    seconds: float
    peak_kib: int  # ru_maxrss of the child (largest process of its tree that it waited for)
    exit_code: int
    output: str  # stdout then stderr


def run_process(
    argv: Sequence[str],
    *,
    cwd: str | None = None,
    env: Mapping[str, str] | None = None,
    timeout: float = 600.0,
) -> ProcRun:
    """Run `argv` as a fresh child; time it and read its own rusage with wait4.

    Output goes to a temporary file (not a pipe), so the child never blocks on us
    and nothing we do while it runs counts against its time.
    """
    with tempfile.TemporaryFile() as out:
        start = time.perf_counter()
        proc = subprocess.Popen(argv, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT)
        killer = threading.Timer(timeout, proc.kill)
        killer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            killer.cancel()
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)  # tell Popen it has been reaped
        out.seek(0)
        text = out.read().decode("utf-8", "replace")
    return ProcRun(seconds, int(usage.ru_maxrss), proc.returncode, text)


def interleave(
    subjects: Mapping[str, Callable[[], float]], rounds: int, *, collect: bool = True
) -> dict[str, list[float]]:
    """Call each subject once per round, in turn (A, B, C, A, B, C, ...).

    A subject returns the figure it measured (seconds). The garbage collector stays on,
    as it is for users. With `collect`, a full collection runs between samples (outside
    the timing) so that one subject's garbage is not paid for by the next; for many
    short samples (per-call timing) that costs more than the samples themselves.
    """
    assert gc.isenabled()
    samples: dict[str, list[float]] = {name: [] for name in subjects}
    for _ in range(rounds):
        for name, fn in subjects.items():
            if collect:
                gc.collect()
            samples[name].append(fn())
            assert gc.isenabled(), f"{name} left the garbage collector off"
    return samples


def timed(fn: Callable[[], object]) -> Callable[[], float]:
    """Wrap a zero-argument call into one that returns its wall time."""

    def run() -> float:
        start = time.perf_counter()
        fn()
        return time.perf_counter() - start

    return run


def median(values: Sequence[float]) -> float:
    return statistics.median(values)
