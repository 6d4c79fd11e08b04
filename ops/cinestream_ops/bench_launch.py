"""Launch specs of the benchmark's engine runs: the exact command ``bench/`` starts, as JSON.

The Java harness (``io.cinestream.bench.LaunchSpec``) writes no launch command and no JobID regex of
its own: before each run it calls ``./pipeline launch-spec --job J --engine E ...`` and starts the
``argv`` with ``env`` that this module builds from :mod:`cinestream_ops.launch`, the one home of
every job's command line (issue 22).

The JSON object (one line on stdout):

- ``job``: ``registration``, ``sessions`` or ``sales`` (the bench's job ids);
- ``engine``: ``flink``, ``flink_sql`` or ``spark``, also the ``engine`` column value of the rows;
- ``runtime``: ``flink`` (a ``flink run`` client submitting to the cluster) or ``spark`` (a
  ``spark-submit`` process that is the engine);
- ``argv``: the program and its arguments, no shell; ``env``: variables to add to the caller's;
- ``jar``, ``main_class``: what ``argv`` runs;
- ``job_name``: the Flink job name (``env.execute(NAME)``), or null for Spark;
- ``job_id_pattern``: a Java/Python regular expression whose group 1 is the JobID in the output of
  ``flink run`` (null for Spark).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import click

from . import launch
from .config import Config
from .tools import Jars

#: The bench's job ids.
JOBS = ("registration", "sessions", "sales")
#: The engines the bench runs; each is also the ``engine`` column value of its rows.
ENGINES = ("flink", "flink_sql", "spark")

#: bench job id -> Flink DataStream job name (a key of :data:`launch.FLINK_JOBS`).
FLINK_JOB = {"registration": "registration-metrics", "sessions": "session-metrics", "sales": "movie-sales"}
#: bench job id -> Flink SQL peer job name (a key of :data:`launch.FLINK_SQL_JOBS`); sessions have none.
FLINK_SQL_JOB = {"registration": "registration-metrics-sql", "sales": "movie-sales-sql"}


class NoLaunch(ValueError):
    """No such job on that engine (e.g. sessions on ``flink_sql``), or an option the engine cannot take."""


def spec(
    config: Config,
    *,
    job: str,
    engine: str,
    flink_home: Path | None = None,
    spark_home: Path | None = None,
    bounded: bool = True,
    parallelism: int | None = None,
    group_id: str | None = None,
    checkpoint_interval: str | None = None,
    checkpoint_dir: Path | None = None,
    event_log_dir: Path | None = None,
    trigger_interval: str | None = None,
    max_offsets_per_trigger: int | None = None,
    driver_memory: str | None = None,
    driver_java_options: str = "",
) -> dict[str, Any]:
    """The launch of one bench run of ``job`` on ``engine``, as the JSON object described above.

    :param job: one of :data:`JOBS`
    :param engine: one of :data:`ENGINES`
    :param flink_home: the Flink distribution (required for ``flink``/``flink_sql``)
    :param spark_home: the Spark distribution (required for ``spark``)
    :param bounded: Flink: attached ``--bounded`` (reads to the end offsets present at start, then
        finishes) or detached (``-d``, until cancelled); Spark: ``--once`` (available-now) or a
        processing-time trigger
    :param parallelism: Flink ``--parallelism`` and Spark ``local[N]`` (default ``FLINK_PARALLELISM``)
    :param group_id: Flink consumer group (a fresh one makes it read from the earliest offset)
    :param checkpoint_interval: Flink ``--checkpoint-interval`` in Flink's duration syntax (``10 s``)
    :param checkpoint_dir: Spark's checkpoint folder (required for Spark); Flink's checkpoint storage
    :param event_log_dir: Spark event log folder (``spark.eventLog.dir``), or None for none
    :param trigger_interval: Spark's processing-time trigger when not ``bounded`` (e.g. ``1 second``)
    :param max_offsets_per_trigger: Spark ``--max-offsets-per-trigger`` (many micro-batches instead of
        one available-now batch, so that a steady-state rate exists), or None
    :param driver_memory: Spark ``--driver-memory`` (default ``SPARK_DRIVER_MEMORY``)
    :param driver_java_options: extra Spark driver JVM options
    :raises NoLaunch: for an unknown job or engine, sessions on ``flink_sql``, a missing tool home
        or Spark without ``checkpoint_dir``
    """
    if job not in JOBS:
        raise NoLaunch(f"unknown job {job!r} (one of {', '.join(JOBS)})")
    if engine not in ENGINES:
        raise NoLaunch(f"unknown engine {engine!r} (one of {', '.join(ENGINES)})")
    cores = parallelism or config.flink_parallelism
    jars = Jars(config.root)
    if engine in ("flink", "flink_sql"):
        if engine == "flink_sql" and job not in FLINK_SQL_JOB:
            raise NoLaunch(f"{job} has no Flink SQL peer job (only {', '.join(FLINK_SQL_JOB)})")
        if flink_home is None:
            raise NoLaunch("the Flink distribution is required for a Flink launch")
        name = (FLINK_SQL_JOB if engine == "flink_sql" else FLINK_JOB)[job]
        extra: list[str] = []
        if group_id:
            extra += ["--group-id", group_id]
        if checkpoint_interval:
            extra += ["--checkpoint-interval", checkpoint_interval]
        if checkpoint_dir is not None:
            extra += ["--checkpoint-dir", checkpoint_dir.resolve().as_uri()]
        args = launch.flink_run_args(
            name,
            rest_port=config.flink_rest_port,
            endpoints=launch._endpoints(config),
            parallelism=cores,
            jar=jars.flink,
            bounded=bounded,
            extra=extra,
        )
        command = launch.flink_cli(config, flink_home, args)
        return {
            "job": job,
            "engine": engine,
            "runtime": "flink",
            "argv": command.argv,
            "env": command.env,
            "jar": str(jars.flink),
            "main_class": f"io.cinestream.flink.{launch.flink_job_class(name)}",
            "job_name": name,
            "job_id_pattern": launch.SUBMITTED_JOB_ID.pattern,
        }
    if spark_home is None:
        raise NoLaunch("the Spark distribution is required for a Spark launch")
    if checkpoint_dir is None:
        raise NoLaunch("Spark needs a checkpoint folder (--checkpoint-dir)")
    args = [*launch._endpoints(config), "--jobs", job, "--checkpoint-dir", str(checkpoint_dir)]
    if bounded:
        args.append("--once")
    elif trigger_interval:
        args += ["--trigger-interval", trigger_interval]
    if max_offsets_per_trigger:
        args += ["--max-offsets-per-trigger", str(max_offsets_per_trigger)]
    conf: list[str] = []
    if event_log_dir is not None:
        conf += ["spark.eventLog.enabled=true", f"spark.eventLog.dir={event_log_dir.resolve().as_uri()}"]
    command = launch.spark_submit(
        config,
        spark_home,
        launch.SPARK_METRICS_MAIN,
        args,
        master=f"local[{cores}]",
        driver_java_options=driver_java_options,
        driver_memory=driver_memory,
        conf=conf,
    )
    return {
        "job": job,
        "engine": engine,
        "runtime": "spark",
        "argv": command.argv,
        "env": command.env,
        "jar": str(jars.spark),
        "main_class": launch.SPARK_METRICS_MAIN,
        "job_name": None,
        "job_id_pattern": None,
    }


def print_spec(config: Config, job: str, engine: str, options: Mapping[str, Any]) -> None:
    """``./pipeline launch-spec``: :func:`spec` with the real tool homes, printed as one line of JSON.

    :raises click.UsageError: as :class:`NoLaunch`, so that the CLI exits 2 with the reason
    """
    from .tools import flink_home, spark_home

    runtime_home: dict[str, Path] = {}
    if engine == "spark":
        runtime_home["spark_home"] = spark_home(config)
    else:
        runtime_home["flink_home"] = flink_home(config)
    try:
        result = spec(config, job=job, engine=engine, **runtime_home, **options)  # type: ignore[arg-type]
    except NoLaunch as e:
        raise click.UsageError(str(e)) from None
    print(json.dumps(result), flush=True)
