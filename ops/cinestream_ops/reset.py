"""``./pipeline reset``: back to a clean state (docs/operations.md#reset).

Four parts, each selectable with ``--only`` (default: all):

* ``topics``: the event and catalogue topics that hold offsets, deleted and created again empty,
  and the consumer groups with offsets on them (``devstack reset``, Kafka's Admin client);
  the registry's ``_schemas`` topic stays.
* ``checkpoints``: the Spark checkpoints (``$CINESTREAM_HOME/checkpoints``) and the Flink
  checkpoints and savepoints (``execution.checkpointing.dir`` / ``savepoint-dir`` of
  devstack/flink/config.yaml.template: ``$CINESTREAM_HOME/data/flink/{checkpoints,savepoints}``),
  and the metric jobs' ledger of earlier job ids (``resume.ledger_path``), whose checkpoints these are.
* ``warehouse``: every table the warehouse migrations create (``WarehouseDdl.tableNames``),
  emptied with TRUNCATE so that the schema and Flyway's history stay consistent, and dbt's schema
  (``DBT_SCHEMA``, default ``analytics``) with its ``analytics_*`` custom schemas, dropped (dbt
  owns and recreates them; dropping also removes relations of models that no longer exist).
* ``lake``: the bronze lake's folder (``LAKE_URI``, default ``$CINESTREAM_HOME/data/lake``;
  docs/architecture.md#bronze-lake), when it is on the local file system; a lake on an object
  store is never deleted from here (it is said so). ``--only warehouse`` keeps it, so that
  ``./pipeline backfill`` can rebuild the raw tables from it.

Installed tools, build outputs, logs and reports are kept. Running Flink metric jobs, the
streaming raw loader and the streaming Spark metric queries are stopped first: otherwise they
would write again what was just removed (offsets, rows, checkpoints).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from . import launch, resume, stack
from .config import Config
from .console import StepFailed, indent, ok, step

#: The parts of a reset, in the order they are removed.
PARTS = ("topics", "checkpoints", "warehouse", "lake")


class Refused(Exception):
    """Reset refused: ``--yes`` missing and stdin not a terminal, or the user answered no."""


@dataclass(frozen=True)
class Item:
    """One thing a reset removes.

    :param part: ``topics``, ``checkpoints``, ``warehouse``, ``lake`` or ``jobs`` (what is stopped first)
    :param kind: ``topic``, ``group``, ``table``, ``schema``, ``folder``, ``flink job``, ``process``
    :param name: its name (a folder: its absolute path)
    :param detail: a size in words, e.g. ``1,234 records``; may be empty
    """

    part: str
    kind: str
    name: str
    detail: str = ""

    def render(self) -> str:
        """One line of the listing: ``kind name (detail)``."""
        return f"{self.kind:<10} {self.name}" + (f" ({self.detail})" if self.detail else "")


def checkpoint_dirs(config: Config) -> list[Path]:
    """The checkpoint and savepoint folders of this stack home (their parents are kept)."""
    return [config.home / "checkpoints", resume.checkpoints_dir(config), resume.savepoints_dir(config)]


def dbt_schema(environ: dict[str, str] | None = None) -> str:
    """dbt's target schema on the local warehouse: ``DBT_SCHEMA`` (dbt/profiles.yml), default ``analytics``."""
    return (environ if environ is not None else os.environ).get("DBT_SCHEMA") or "analytics"


def folder_items(dirs: Iterable[Path], part: str = "checkpoints") -> list[Item]:
    """The folders that exist and hold at least one file, with their file count and size.

    :param part: the part the items belong to
    :return: one ``folder`` item per such folder
    """
    items = []
    for folder in dirs:
        if not folder.is_dir():
            continue
        files = [p for p in folder.rglob("*") if p.is_file()]
        if files:
            size = sum(p.stat().st_size for p in files)
            items.append(Item(part, "folder", str(folder), f"{len(files)} files, {size / 1e6:.1f} MB"))
    return items


_DEVSTACK_KINDS = {"topic": ("topics", "records"), "group": ("topics", ""), "table": ("warehouse", "rows")}


def ledger_items(config: Config) -> list[Item]:
    """The Flink metric jobs' ledger (``$CINESTREAM_HOME/run/flink-job-ledger.json``) when it
    records at least one job id: one ``file`` item, e.g. ``ledger ... (3 job ids)``."""
    count = sum(len(ids) for ids in resume.recorded_job_ids(config).values())
    return [Item("checkpoints", "file", str(resume.ledger_path(config)), f"{count} job ids")] if count else []


def parse_devstack(text: str) -> list[Item]:
    """The items of ``devstack reset``'s output (``kind<TAB>name[<TAB>size]`` lines); other lines
    (devstack's log lines) are skipped.

    :raises ValueError: on an item line of another shape
    """
    items = []
    for line in text.splitlines():
        fields = line.split("\t")
        kind = fields[0]
        if len(fields) < 2 or kind not in (*_DEVSTACK_KINDS, "schema"):
            continue
        if kind == "schema" and len(fields) == 3:
            items.append(Item("warehouse", "schema", fields[1], f"dbt, {int(fields[2]):,} relations"))
        elif kind in _DEVSTACK_KINDS and len(fields) == (2 if kind == "group" else 3):
            part, unit = _DEVSTACK_KINDS[kind]
            items.append(Item(part, kind, fields[1], f"{int(fields[2]):,} {unit}" if unit else "consumer group"))
        else:
            raise ValueError(f"unexpected line from devstack reset: {line!r}")
    return items


def selected(only: Sequence[str]) -> tuple[str, ...]:
    """The parts to reset: ``only`` in :data:`PARTS` order, or all when empty.

    :raises ValueError: for a name outside :data:`PARTS`
    """
    bad = [p for p in only if p not in PARTS]
    if bad:
        raise ValueError(f"unknown part(s) {', '.join(bad)}: one of {', '.join(PARTS)}")
    return tuple(p for p in PARTS if not only or p in only)


def running_jobs(config: Config) -> list[Item]:
    """What writes topics, tables or checkpoints and runs now: Flink jobs in an alive state, the
    streaming raw loader and Spark metric queries (by recorded pid)."""
    items = [
        Item("jobs", "flink job", f"{j.get('name')} {j.get('jid')}", str(j.get("state")))
        for j in stack.flink_jobs(config)
        if j.get("state") in stack.ALIVE_STATES
    ]
    for proc in (stack.RAW_LOADER, stack.SPARK_METRICS):
        if proc.running(config):
            items.append(Item("jobs", "process", proc.name, f"pid {proc.pid(config)}"))
    return items


def devstack(config: Config, parts: Sequence[str], *, execute: bool) -> list[Item]:
    """``devstack reset`` for the Kafka and warehouse parts among ``parts`` (none: nothing to ask).

    :raises StepFailed: when devstack fails (Kafka or PostgreSQL unreachable or refusing)
    """
    remote = [p for p in parts if p in ("topics", "warehouse")]
    if not remote:
        return []
    args = ["reset", "--bootstrap", config.kafka_bootstrap, "--jdbc-url", config.warehouse_jdbc_url]
    args += ["--part", ",".join(remote), "--dbt-schema", dbt_schema()]
    if execute:
        args.append("--execute")
    command = launch.devstack_tool(config, args, ["-Dcinestream.kafkaClientLevel=ERROR"])
    result = subprocess.run(command.argv, capture_output=True, text=True, stdin=subprocess.DEVNULL)
    if result.returncode != 0:
        log = config.log_dir / "reset.log"
        log.parent.mkdir(parents=True, exist_ok=True)
        log.write_text(result.stdout + result.stderr)
        raise StepFailed("reset", f"devstack reset failed (exit {result.returncode})", log)
    return parse_devstack(result.stdout)


def plan(config: Config, parts: Sequence[str], remote: Callable[[Sequence[str]], list[Item]]) -> list[Item]:
    """Everything a reset of ``parts`` removes now, running jobs first.

    :param remote: lists the Kafka and warehouse items of the parts (``devstack`` in production)
    """
    items = running_jobs(config) + remote(parts)
    if "checkpoints" in parts:
        items += folder_items(checkpoint_dirs(config))
        items += ledger_items(config)
    if "lake" in parts and config.local_lake_dir is not None:
        items += folder_items([config.local_lake_dir], "lake")
    order = {p: i for i, p in enumerate(("jobs", *PARTS))}
    return sorted(items, key=lambda item: order[item.part])


def stop_jobs(config: Config, jobs: Sequence[Item], timeout_s: float = 60) -> None:
    """Cancels the alive Flink jobs (REST ``PATCH /jobs/ID?mode=cancel``) and stops the streaming processes.

    :raises StepFailed: when a Flink job is still alive after ``timeout_s``
    """
    for item in jobs:
        if item.kind == "flink job":
            jid = item.name.rsplit(" ", 1)[1]
            request = urllib.request.Request(f"{config.flink_url}/jobs/{jid}?mode=cancel", method="PATCH")
            with urllib.request.urlopen(request, timeout=10):
                pass
    for proc in (stack.RAW_LOADER, stack.SPARK_METRICS):
        pid = proc.stop(config)
        if pid is not None:
            ok(f"{proc.name} stopped (pid {pid})")
    deadline = time.monotonic() + timeout_s
    while any(j.get("state") in stack.ALIVE_STATES for j in stack.flink_jobs(config)):
        if time.monotonic() > deadline:
            raise StepFailed("reset", f"Flink jobs still running {timeout_s:.0f} s after their cancellation")
        time.sleep(0.5)
    if any(item.kind == "flink job" for item in jobs):
        ok("Flink jobs cancelled")


def confirm(yes: bool, interactive: bool, ask: Callable[[str], bool]) -> None:
    """Whether to go on: ``--yes``, else a question on a terminal.

    :param interactive: stdin is a terminal
    :param ask: asks a yes/no question (``click.confirm``)
    :raises Refused: without ``--yes`` when not interactive, or when the answer is no
    """
    if yes:
        return
    if not interactive:
        raise Refused("refusing to delete without --yes: stdin is not a terminal")
    if not ask("Delete all of the above?"):
        raise Refused("nothing deleted")


def reset(
    config: Config,
    only: Sequence[str],
    *,
    yes: bool,
    ask: Callable[[str], bool],
    interactive: bool | None = None,
    remote: Callable[[Sequence[str], bool], list[Item]] | None = None,
) -> list[Item]:
    """Lists what a reset of ``only`` removes, asks (see :func:`confirm`), then removes it.

    Order: running jobs stopped, consumer groups and topics deleted (topics created again empty),
    warehouse tables truncated and dbt schemas dropped, checkpoint folders and the job-id ledger
    deleted, the local lake folder deleted.

    :param only: parts (empty: all of :data:`PARTS`)
    :param yes: do not ask
    :param ask: the yes/no question on a terminal
    :param interactive: stdin is a terminal (default: ``sys.stdin.isatty()``)
    :param remote: ``(parts, execute) -> items`` for Kafka and the warehouse (default ``devstack reset``)
    :return: what was removed (empty: the stack was already clean)
    :raises Refused: see :func:`confirm`
    :raises StepFailed: when the stack is down while topics or the warehouse are to be reset, or
        a removal fails
    """
    parts = selected(only)
    from . import live

    live_pid = live.running_pid(config)
    if live_pid is not None:
        raise Refused(
            f"live mode runs on this stack (pid {live_pid or '?'}): stop it first (Ctrl-C in its terminal"
            f" or kill -INT {live_pid or 'PID'}), its stop sequence takes a savepoint"
        )
    if remote is None:
        if any(p in parts for p in ("topics", "warehouse")) and stack.health(config).returncode != 0:
            raise StepFailed(
                "reset", "Kafka and PostgreSQL must run to delete topics and tables: start them with ./pipeline up"
            )

        def remote(ps: Sequence[str], execute: bool) -> list[Item]:
            return devstack(config, ps, execute=execute)

    step(f"Reset ({', '.join(parts)}) of the stack in {config.home}")
    if "lake" in parts and config.lake_uri is not None and config.local_lake_dir is None:
        ok(f"the lake at {config.lake_uri} is not a local folder: kept (delete it with the store's own tools)")
    items = plan(config, parts, lambda ps: remote(ps, False))
    if not items:
        ok("nothing to remove: already clean")
        return []
    print("    This removes:", flush=True)
    indent("\n".join("  " + item.render() for item in items))
    confirm(yes, sys.stdin.isatty() if interactive is None else interactive, ask)
    stop_jobs(config, [i for i in items if i.part == "jobs"])
    remote(parts, True)
    if "topics" in parts:
        # The events of live's generator seeds are gone: the seeds may be used again.
        live.seeds_path(config).unlink(missing_ok=True)
    if "checkpoints" in parts:
        for folder in checkpoint_dirs(config):
            shutil.rmtree(folder, ignore_errors=True)
            if folder.exists():
                raise StepFailed("reset", f"cannot delete {folder}")
        # Its job ids name checkpoints that are gone: a later start must not look for them.
        resume.ledger_path(config).unlink(missing_ok=True)
    lake = config.local_lake_dir
    if "lake" in parts and lake is not None:
        shutil.rmtree(lake, ignore_errors=True)
        if lake.exists():
            raise StepFailed("reset", f"cannot delete {lake}")
    ok(f"reset done: the {len(items)} item(s) listed above are stopped or removed")
    return items
