"""What ``./pipeline`` prints: step headings, check marks, and the failure block (step, cause, log).

Every failure names the step, the cause and the log file (docs/operations.md#commands): code raises
:class:`StepFailed`, the CLI prints it with :func:`failure` and exits 1.
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

_TTY = sys.stdout.isatty()
B, G, R, Y, N = ("\033[1m", "\033[32m", "\033[31m", "\033[33m", "\033[0m") if _TTY else ("",) * 5


class StepFailed(RuntimeError):
    """A step that failed: its name, the cause, and the log file to read (or None).

    :param step: e.g. ``up kafka``
    :param cause: one line, e.g. ``not healthy after 120 s``
    :param log: the step's log file, whose last 20 lines are printed with the failure
    """

    def __init__(self, step: str, cause: str, log: Path | None = None):
        super().__init__(f"{step}: {cause}")
        self.step = step
        self.cause = cause
        self.log = log


def step(text: str) -> None:
    """A heading: ``==> text``."""
    print(f"{B}==> {text}{N}", flush=True)


def ok(text: str) -> None:
    """A step done: ``    ✓ text``."""
    print(f"    {G}✓{N} {text}", flush=True)


def warn(text: str) -> None:
    """A warning on stderr: ``    ! text``."""
    print(f"    {Y}!{N} {text}", file=sys.stderr, flush=True)


def indent(text: str) -> None:
    """Prints each line of ``text`` indented by four spaces (a job's summary lines)."""
    for line in text.splitlines():
        print(f"    {line}", flush=True)


def failure(error: StepFailed) -> None:
    """Prints the failure block on stderr: step, cause, log file and its last 20 lines."""
    print(f"{R}FAILED{N} step: {error.step}\n       cause: {error.cause}", file=sys.stderr)
    if error.log is not None:
        print(f"       log:   {error.log}", file=sys.stderr)
        try:
            lines = error.log.read_text(encoding="utf-8", errors="replace").splitlines()[-20:]
        except OSError:
            lines = []
        for line in lines:
            print(f"       | {line}", file=sys.stderr)
    sys.stderr.flush()


def run_logged(
    name: str, log: Path, argv: Sequence[str], env: Mapping[str, str] | None = None, cwd: Path | None = None
) -> float:
    """Runs a long step with its output in ``log`` and, on a terminal, a progress line.

    :param name: the step's name (progress line, check mark, failure)
    :param log: the log file (created with its folder)
    :param argv: the command
    :param env: its whole environment (default: inherited)
    :param cwd: its working directory (default: the current one)
    :return: the step's duration, seconds
    :raises StepFailed: when it exits non-zero (names the exit status, duration and log)
    """
    log.parent.mkdir(parents=True, exist_ok=True)
    start = time.monotonic()
    with log.open("wb") as out:
        process = subprocess.Popen(
            list(argv), stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env, cwd=cwd
        )
        spin = "|/-\\"
        i = 0
        while process.poll() is None:
            if _TTY:
                print(f"\r    {spin[i % 4]} {name} ({time.monotonic() - start:.0f}s, log {log})", end="", flush=True)
                i += 1
            try:
                process.wait(timeout=1)
            except subprocess.TimeoutExpired:
                pass
        if _TTY:
            print("\r\033[K", end="", flush=True)
    secs = time.monotonic() - start
    if process.returncode != 0:
        raise StepFailed(name, f"exit status {process.returncode} after {secs:.0f}s", log)
    ok(f"{name} ({secs:.0f}s)")
    return secs
