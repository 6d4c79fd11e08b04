#!/usr/bin/env python3
"""Fails when a credential appears in the command line of a process of a local stack (issue 23, item 8).

Samples ``/proc/*/cmdline`` every ``--interval`` seconds while the process ``--while-pid`` runs
(the smoke test's ``./pipeline run``). A process belongs to the stack when its environment
(``/proc/PID/environ``) has ``CINESTREAM_HOME=<home>`` or its command line names the home: the
stack's services, Flink's daemons and CLI, spark-submit, the generator, verify, dbt all inherit it
from ``./pipeline``. The secrets looked for: the lines of the password files given with
``--secret-file``, and every non-empty value (8 characters or more) of a credential variable
(``*PASSWORD*``, ``*SECRET*``, ``*TOKEN*``, ``*PRIVATE_KEY*``; ``*_FILE`` names excluded: those hold
paths) found in the environment of a process of the stack.

Prints ``cmdline credentials: N samples, M processes of the stack seen (K distinct command names),
0 leaks``; exit 0 when no secret was found and at least ``--min-processes`` distinct processes of
the stack were seen (so that a scan that saw nothing cannot pass), 1 on a leak (the pid, the
program and the variable or file whose value leaked; never the value), 2 on bad arguments.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
from pathlib import Path

CREDENTIAL_NAME = re.compile(r"PASSWORD|SECRET|TOKEN|PRIVATE_KEY")
MIN_SECRET_LENGTH = 8


def read(path: str) -> bytes:
    """The file's bytes, b'' when it is gone or unreadable (processes end while being read)."""
    try:
        with open(path, "rb") as f:
            return f.read()
    except OSError:
        return b""


def alive(pid: int) -> bool:
    """True while the process exists and is not a zombie."""
    stat = read(f"/proc/{pid}/stat").decode(errors="replace")
    return bool(stat) and stat.rsplit(")", 1)[-1].split()[0] != "Z"


def environ_of(pid: str) -> dict[str, str]:
    """The process's environment at its start (``/proc/PID/environ``), {} when unreadable."""
    env = {}
    for entry in read(f"/proc/{pid}/environ").split(b"\0"):
        name, sep, value = entry.partition(b"=")
        if sep:
            env[name.decode(errors="replace")] = value.decode(errors="replace")
    return env


def credential_values(env: dict[str, str]) -> dict[str, str]:
    """The credential variables of an environment with a value worth looking for: {value: name}."""
    return {
        value: name
        for name, value in env.items()
        if CREDENTIAL_NAME.search(name) and not name.endswith("_FILE") and len(value) >= MIN_SECRET_LENGTH
    }


def scan(home: str, secrets: dict[str, str], seen: dict[str, str]) -> list[str]:
    """One sample of every process of the stack; the leaks found (one line each, no secret in it).

    :param secrets: value -> where it comes from (a file or a variable); extended with the
        credential variables of the stack's processes
    :param seen: pid -> program name of the stack's processes, extended
    """
    marker = f"CINESTREAM_HOME={home}"
    leaks = []
    me = str(os.getpid())
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or entry == me:
            continue
        cmdline = read(f"/proc/{entry}/cmdline").replace(b"\0", b" ").decode(errors="replace")
        env = environ_of(entry)
        if env.get("CINESTREAM_HOME") != home and home not in cmdline and marker not in cmdline:
            continue
        program = cmdline.split(" ", 1)[0].rsplit("/", 1)[-1] or "?"
        seen[entry] = program
        for value, name in credential_values(env).items():
            secrets.setdefault(value, f"variable {name}")
        for value, source in secrets.items():
            if value in cmdline:
                leaks.append(f"pid {entry} ({program}): the value of {source} is in its command line")
    return leaks


def main(argv: list[str]) -> int:
    """Samples until ``--while-pid`` exits; see the module docstring for the output and exit status."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--home", required=True, help="the stack's CINESTREAM_HOME (absolute)")
    parser.add_argument("--while-pid", type=int, required=True, help="sample while this process runs")
    parser.add_argument("--secret-file", action="append", default=[], help="a file whose lines are secrets")
    parser.add_argument("--interval", type=float, default=0.25, help="seconds between samples (default 0.25)")
    parser.add_argument("--min-processes", type=int, default=5, help="fewest stack processes to see (default 5)")
    args = parser.parse_args(argv)
    secrets: dict[str, str] = {}
    for file in args.secret_file:
        for line in Path(file).read_text(encoding="utf-8").splitlines():
            if len(line.strip()) >= MIN_SECRET_LENGTH:
                secrets[line.strip()] = f"file {file}"
    if not secrets:
        print(f"no secret of {MIN_SECRET_LENGTH}+ characters in {args.secret_file}", file=sys.stderr)
        return 2
    seen: dict[str, str] = {}
    leaks: set[str] = set()
    samples = 0
    while True:
        running = alive(args.while_pid)
        leaks.update(scan(args.home, secrets, seen))
        samples += 1
        if not running:
            break
        time.sleep(args.interval)
    for leak in sorted(leaks):
        print(f"LEAK: {leak}", file=sys.stderr)
    programs = sorted(set(seen.values()))
    print(
        f"cmdline credentials: {samples} samples, {len(seen)} processes of the stack seen "
        f"({len(programs)} distinct command names: {', '.join(programs)}), {len(leaks)} leaks"
    )
    if len(seen) < args.min_processes:
        print(f"saw {len(seen)} processes of the stack, fewer than {args.min_processes}: not a scan", file=sys.stderr)
        return 1
    return 1 if leaks else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
