"""``./pipeline``: Cinestream's one command line (docs/operations.md#commands), with Click.

Every flag is validated (type, range, file exists) before anything starts: a bad one gives a
one-line error on stderr and exit status 2. A failing step prints the step, the cause and its log
file, and exits 1.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import click

from . import bench_launch, credentials, jobs, ops_commands, reset, tick_key
from .config import Config, ConfigError
from .console import StepFailed, failure, step

PASS_THROUGH = {"ignore_unknown_options": True, "allow_extra_args": True, "help_option_names": []}


def project_root() -> Path:
    """The checkout: ``CINESTREAM_ROOT`` (set by the ``pipeline`` shim), else this package's ``../..``."""
    root = os.environ.get("CINESTREAM_ROOT")
    return Path(root) if root else Path(__file__).resolve().parents[2]


def load_config() -> Config:
    """The configuration, exported to the environment of every command started from here.

    The local warehouse's password goes there too, from its file when it exists (credentials.py).

    :raises ConfigError: when ``cinestream.conf`` or an override is invalid
    """
    config = Config.load(project_root(), os.environ)
    os.environ.update(config.env())
    tick_key.export(config, os.environ)
    credentials.export(config, os.environ)
    return config


def _run_id(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    if value is not None and not jobs.RUN_ID.match(value):
        raise click.BadParameter(f"{value!r} may hold only letters, digits, '.', '_' and '-'")
    return value


def _iso_utc(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    if value is None:
        return None
    try:
        datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ")
    except ValueError:
        raise click.BadParameter(f"{value!r} is not an ISO UTC time like 2026-01-06T01:02:01Z") from None
    return value


def _key_value(_ctx: click.Context, _param: click.Parameter, values: Sequence[str]) -> list[str]:
    for value in values:
        if "=" not in value or not value.split("=", 1)[0]:
            raise click.BadParameter(f"{value!r} is not KEY=VALUE")
    return list(values)


def _csv_choice(allowed: Sequence[str]):
    def check(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
        if value is None:
            return None
        items = value.split(",")
        bad = [item for item in items if item not in allowed]
        if bad or not value:
            raise click.BadParameter(f"{value!r}: each of a comma-separated list must be one of {', '.join(allowed)}")
        return value

    return check


EXISTING_FILE = click.Path(exists=True, dir_okay=False, readable=True, path_type=Path)
USERS = click.IntRange(min=1, max=10_000_000)
HOURS = click.IntRange(min=1, max=24 * 366)
SEED = click.IntRange(min=0)


@click.group(
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 110},
    epilog="Settings: cinestream.conf (any key can be overridden from the environment). Logs: $CINESTREAM_HOME/logs/.",
)
def cli() -> None:
    """Cinestream's command line: the local stack, the jobs, the main job end to end, the tests."""


@cli.command()
@click.option("--movies", type=EXISTING_FILE, help="catalogue file (default: MOVIES_FILE, data/Movies.txt)")
@click.option("--users", type=USERS, default=20000, show_default=True, help="simulated users")
@click.option("--hours", type=HOURS, default=24, show_default=True, help="simulated hours (whole number)")
@click.option("--seed", type=SEED, default=42, show_default=True, help="generator seed")
@click.option("--run-id", callback=_run_id, help="report id (default: the UTC start time)")
@click.option("--down", is_flag=True, help="stop the stack at the end")
@click.option("--keep", is_flag=True, help="append to what the stack holds (default: reset first)")
def run(movies: Path | None, users: int, hours: int, seed: int, run_id: str | None, down: bool, keep: bool) -> None:
    """The main job end to end: up, reset (unless --keep), catalogue, generate a simulated day, tick,
    raw loads, Flink then Spark metrics (bounded), verify, metric table counts, dbt build, and the
    run report in reports/ID/ (step wall and CPU seconds in reports/ID/timings.json)."""
    config = load_config()
    movies = movies or _default_movies(config)
    jobs.run(config, movies, users, hours, seed, run_id or jobs.stamp(), down, keep=keep)


def _default_movies(config: Config) -> Path:
    if not config.movies_file.is_file():
        raise click.BadParameter(f"no such catalogue file: {config.movies_file}", param_hint="MOVIES_FILE")
    return config.movies_file


@cli.command()
@click.option("--monitoring", is_flag=True, help="also Prometheus and the Pushgateway (docs/operations.md#monitoring)")
def up(monitoring: bool) -> None:
    """Start Kafka, the schema registry, PostgreSQL and a Flink cluster on 127.0.0.1 (idempotent)."""
    jobs.up(load_config(), monitoring=monitoring)


@cli.command()
def down() -> None:
    """Stop what 'up' started, the dashboard, the background loader and Spark metrics (by recorded pid)."""
    jobs.stop(load_config())


@cli.command()
@click.option("--detach", is_flag=True, help="in the background until 'down' (not started twice)")
def dashboard(detach: bool) -> None:
    """The live dashboard on 127.0.0.1:DASHBOARD_PORT: active sessions, durations, registrations, top movies,
    freshness, consumer lag and Prometheus' alerts, refreshed every 5 s; the pipeline's gauges on /metrics."""
    sys.exit(jobs.dashboard(load_config(), detach=detach))


@cli.command("reset")
@click.option("--yes", is_flag=True, help="do not ask (required when stdin is not a terminal)")
@click.option(
    "--only",
    multiple=True,
    type=click.Choice(reset.PARTS),
    help="only this part (repeatable; default: all)",
)
def reset_command(yes: bool, only: tuple[str, ...]) -> None:
    """Back to a clean state: stops running jobs, then deletes the event and catalogue topics and
    their consumer groups, the Spark and Flink checkpoints and savepoints, the warehouse tables'
    rows and dbt's schemas, and the local bronze lake; keeps tools, builds, logs and reports.
    Lists it all first. '--only warehouse' keeps the lake for './pipeline backfill'."""
    try:
        reset.reset(load_config(), only, yes=yes, ask=click.confirm)
    except reset.Refused as e:
        click.echo(f"./pipeline reset: {e}", err=True)
        sys.exit(2)


@cli.command()
def status() -> None:
    """Each service's process and a real request to it; Flink's jobs."""
    from . import stack

    sys.exit(stack.status(load_config()))


@cli.command()
def build() -> None:
    """Maven build of the jars, when sources changed."""
    jobs.ensure_build(load_config())


@cli.command()
@click.option(
    "--summary-json",
    type=click.Path(dir_okay=False, path_type=Path),
    callback=lambda _c, _p, v: _in_existing_folder(v),
    help="also write the data-quality summary to this file as JSON",
)
@click.argument("file", type=EXISTING_FILE, required=False)
def catalog(summary_json: Path | None, file: Path | None) -> None:
    """spark-submit MovieCatalogJob on FILE (default MOVIES_FILE)."""
    config = load_config()
    jobs.catalog(config, file or _default_movies(config), summary_json)


def _in_existing_folder(path: Path | None) -> Path | None:
    if path is not None and not path.absolute().parent.is_dir():
        raise click.BadParameter(f"no such folder: {path.absolute().parent}")
    return path


@cli.command(context_settings=PASS_THROUGH)
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def generate(args: tuple[str, ...]) -> None:
    """The event generator into Kafka (options: java -jar generator.jar --help)."""
    jobs.generate(load_config(), args)


@cli.command()
@click.option("--at", callback=_iso_utc, help="record timestamp, ISO UTC (default: now)")
def tick(at: str | None) -> None:
    """The final watermark tick on every partition of every event topic: both engines close every
    window ending by AT - 2 min (run writes it after generate)."""
    jobs.tick(load_config(), at or datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"))


@cli.command()
@click.option("--detach", is_flag=True, help="keep it streaming in the background until 'down' (not started twice)")
def load(detach: bool) -> None:
    """spark-submit RawEventLoader --once: every event topic into the raw tables."""
    jobs.load(load_config(), detach=detach)


#: The event topics (schemas' Topic catalogue): the raw loader's and the backfill's choices.
EVENT_TOPICS = (
    "consumer_registration",
    "sign_in",
    "sign_out",
    "item_view",
    "added_to_cart",
    "checkout_to_cart",
    "item_rating",
)


def _date(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    if value is None:
        return None
    try:
        datetime.strptime(value, "%Y-%m-%d")
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date like 2026-01-05") from None
    return value


@cli.command()
@click.option("--topics", callback=_csv_choice(EVENT_TOPICS), help="event topics, comma-separated (default: all)")
@click.option("--since", callback=_date, help="first event date, YYYY-MM-DD (UTC, inclusive)")
@click.option("--until", callback=_date, help="last event date, YYYY-MM-DD (UTC, inclusive)")
def backfill(topics: str | None, since: str | None, until: str | None) -> None:
    """The raw tables rebuilt from the bronze lake (LAKE_URI), insert if absent on event_id: fills emptied
    tables, tops up partly loaded ones, a second run inserts nothing (docs/operations.md#backfill)."""
    if since and until and since > until:
        raise click.UsageError(f"--since {since} is after --until {until}")
    jobs.backfill(load_config(), tuple(topics.split(",")) if topics else (), since, until)


@cli.command()
@click.option("--engine", type=click.Choice(["flink", "spark", "all"]), default="flink", show_default=True)
@click.option("--bounded", is_flag=True, help="read to the end of the input and wait")
@click.option(
    "--from-scratch",
    is_flag=True,
    help="Flink: delete each job's consumer-group offsets and checkpoints/savepoints, then start from the earliest",
)
def metrics(engine: str, bounded: bool, from_scratch: bool) -> None:
    """The metric jobs: flink = the three Flink jobs (detached, a running one is not resubmitted, the others
    resume from their newest checkpoint or savepoint; refused with exit 2 when a job's consumer group has
    committed offsets but it has no checkpoint); spark = MetricsSparkJob (background, not started twice); all = both."""
    jobs.metrics(load_config(), engine, bounded=bounded, from_scratch=from_scratch)


def _duration(_ctx: click.Context, _param: click.Parameter, value: str | None) -> float | None:
    from .live import parse_duration

    if value is None:
        return None
    try:
        return parse_duration(value)
    except ValueError as e:
        raise click.BadParameter(str(e)) from None


@cli.command()
@click.option(
    "--rate",
    type=click.FloatRange(min=0, min_open=True, max=1_000_000),
    default=1000,
    show_default=True,
    help="generator events per second",
)
@click.option(
    "--users",
    type=click.IntRange(1, 1_000_000),
    help="simulated users per generator round (default: from rate and duration)",
)
@click.option("--duration", callback=_duration, help="stop after this long, e.g. 90s, 10m, 1h (default: at Ctrl-C)")
@click.option("--seed", type=SEED, help="the generator's seed, unused on this stack (default: from the clock)")
@click.option("--run-id", callback=_run_id, help="report id (default: live-UTC start time)")
@click.option("--from-scratch", is_flag=True, help="Flink jobs start over (as metrics --from-scratch)")
def live(
    rate: float, users: int | None, duration: float | None, seed: int | None, run_id: str | None, from_scratch: bool
) -> None:
    """Everything continuous at once, in real time (docs/operations.md#live): up --monitoring, catalogue,
    streaming loader, Flink jobs (resumed), Spark queries, generator --realtime; progress lines. Ctrl-C
    or --duration: stop the generator, final tick, close every window, Flink savepoints, stop Spark,
    verify, run report. Refused (exit 2) while another live runs on this stack."""
    from . import live as live_mode

    options = live_mode.Options(rate, users, duration, seed, run_id or "live-" + jobs.stamp(), from_scratch)
    live_mode.live(load_config(), options)


def _closed_by(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    return value if value == "watermarks" else _iso_utc(ctx, param, value)


@cli.command()
@click.option(
    "--closed-by",
    callback=_closed_by,
    help="ISO UTC time, or 'watermarks' (while streaming: the engines' lowest watermark);"
    " compare only the ticks and windows closed by then",
)
# 180 s: a source's idleness (1 min), Flink's REST metrics refresh (10 s) and a restart's backoff
# (at most 1 min, docs/operations.md#restart-strategy), with room to spare.
@click.option(
    "--wait",
    "wait_s",
    type=click.IntRange(min=0),
    default=180,
    show_default=True,
    help="with --closed-by watermarks: seconds to wait for a restarting job or a first watermark",
)
def verify(closed_by: str | None, wait_s: int) -> None:
    """Reference metrics from the raw tables, then flink/spark/reference compared."""
    config = load_config()
    if closed_by == "watermarks":
        from . import horizon

        found = horizon.engines_horizon(config, wait_s=wait_s)
        step(f"Verify while streaming: {found.describe()}")
        closed_by = found.iso
    jobs.verify(config, closed_by=closed_by)


@cli.command(context_settings=PASS_THROUGH)
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def dbt(args: tuple[str, ...]) -> None:
    """dbt on the local warehouse (default: build); e.g. ./pipeline dbt docs generate."""
    jobs.dbt(load_config(), args)


@cli.command()
@click.option("--run-id", callback=_run_id, help="report id (default: UTC now)")
@click.option("--timings", type=EXISTING_FILE, help="NAME<TAB>seconds step timings")
@click.option("--param", "params", multiple=True, callback=_key_value, help="KEY=VALUE shown in the report")
def report(run_id: str | None, timings: Path | None, params: list[str]) -> None:
    """The run report of what the warehouse holds: reports/ID/index.html and summary.json."""
    jobs.report(load_config(), run_id or jobs.stamp(), timings, params)


@cli.command(context_settings=PASS_THROUGH)
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def flink(args: tuple[str, ...]) -> None:
    """The Flink CLI against the local cluster, e.g. ./pipeline flink list -a."""
    sys.exit(jobs.flink_cli(load_config(), list(args)))


@cli.command(context_settings=PASS_THROUGH)
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def airflow(args: tuple[str, ...]) -> None:
    """Airflow on orchestration/dags (default: standalone, UI on 127.0.0.1:AIRFLOW_PORT)."""
    sys.exit(ops_commands.airflow(load_config(), list(args)))


@cli.command()
@click.option("--seed", type=SEED, help="fault schedule seed")
@click.option("--users", type=USERS, help="simulated users")
@click.option("--hours", type=click.FloatRange(min=0, min_open=True, max=24 * 366), help="hours of event time")
@click.option("--only", callback=_csv_choice(ops_commands.CHAOS_FAULTS), help="faults, comma-separated")
@click.option("--generate-seconds", type=click.FloatRange(min=0, min_open=True), help="wall time of the workload")
def chaos(
    seed: int | None, users: int | None, hours: float | None, only: str | None, generate_seconds: float | None
) -> None:
    """Fault injection on a stack of its own: kill a component mid-run (or 'poison': produce issue 23's
    hostile records), restart, check no loss, no duplicate, metrics = reference (report in reports/chaos/)."""
    args: list[str] = []
    given = (("--seed", seed), ("--users", users), ("--hours", hours), ("--only", only))
    for flag, value in (*given, ("--generate-seconds", generate_seconds)):
        if value is not None:
            args += [flag, str(value)]
    ops_commands.chaos(load_config(), args)


@cli.command()
@click.option("--events", type=click.IntRange(min=1), default=1_000_000, show_default=True)
@click.option("--seed", type=SEED, default=42, show_default=True)
@click.option(
    "--engines",
    callback=_csv_choice(("flink", "flink_sql", "spark")),
    default="flink,flink_sql,spark",
    show_default=True,
)
@click.option(
    "--jobs",
    "job_names",
    callback=_csv_choice(("registration", "sessions", "sales")),
    default="registration,sessions,sales",
    show_default=True,
)
@click.option("--keep-stack", is_flag=True)
@click.option("--poll-ms", type=click.IntRange(min=1), default=50, show_default=True)
@click.option("--warmup-runs", type=click.IntRange(min=0), default=0, show_default=True)
@click.option(
    "--runs", type=click.IntRange(min=1), default=3, show_default=True, help="measured runs: medians, spreads"
)
@click.option("--checkpoint-interval", default="10 s", show_default=True, help="Flink checkpoint interval")
@click.option("--spark-batches", type=click.IntRange(min=0), default=20, show_default=True, help="Spark micro-batches")
@click.option("--open-loop", is_flag=True, help="a ladder of real-time rates instead of a pre-loaded workload")
@click.option("--rates", help="open loop: events/s per step, comma-separated")
@click.option("--step-seconds", type=click.IntRange(min=1), help="open loop: seconds per rate")
def bench(**options: object) -> None:
    """Engines vs the consume-and-decode ceiling on a pre-loaded workload (own stack; results in bench/results/)."""
    rates = options["rates"]
    if rates is not None and not all(r.isdigit() and int(r) > 0 for r in str(rates).split(",")):
        raise click.BadParameter(f"{rates!r} is not a comma-separated list of whole numbers > 0", param_hint="--rates")
    ops_commands.bench(load_config(), options, "./pipeline bench " + " ".join(sys.argv[2:]))


@cli.command("launch-spec")
@click.option("--job", "job", type=click.Choice(bench_launch.JOBS), required=True)
@click.option("--engine", type=click.Choice(bench_launch.ENGINES), required=True)
@click.option("--bounded/--unbounded", default=True, show_default=True)
@click.option("--parallelism", type=click.IntRange(min=1), help="default FLINK_PARALLELISM")
@click.option("--group-id", help="Flink consumer group")
@click.option("--checkpoint-interval", help="Flink checkpoint interval, e.g. '10 s'")
@click.option("--checkpoint-dir", type=click.Path(path_type=Path), help="Spark (required) / Flink checkpoints")
@click.option("--event-log-dir", type=click.Path(path_type=Path), help="Spark event log folder")
@click.option("--trigger-interval", help="Spark processing-time trigger when --unbounded")
@click.option("--max-offsets-per-trigger", type=click.IntRange(min=1), help="Spark records per micro-batch")
@click.option("--driver-memory", help="Spark driver memory (default SPARK_DRIVER_MEMORY)")
@click.option("--driver-java-options", default="", help="extra Spark driver JVM options")
@click.option("--json", "as_json", is_flag=True, default=True, help="print JSON (the only format)")
def launch_spec(job: str, engine: str, as_json: bool, **options: object) -> None:
    """The exact launch of one bench run (argv, env, jar, JobID pattern) as one line of JSON."""
    del as_json
    bench_launch.print_spec(load_config(), job, engine, options)


@cli.command()
def test() -> None:
    """The whole test suite (what CI runs)."""
    ops_commands.test(load_config())


def main(argv: Sequence[str] | None = None) -> int:
    """Runs the CLI.

    :param argv: the arguments (default ``sys.argv[1:]``)
    :return: 0 on success, 1 when a step failed, 2 on a bad command, flag or configuration
    """
    args = list(sys.argv[1:] if argv is None else argv)
    if not args:
        click.echo(cli.get_help(click.Context(cli, info_name="./pipeline")), err=True)
        return 2
    try:
        result = cli.main(args=args, prog_name="./pipeline", standalone_mode=False)
    except click.UsageError as e:
        where = e.ctx.command_path if e.ctx is not None else "./pipeline"
        message = " ".join(e.format_message().split())
        click.echo(f"{where}: {message}", err=True)
        return 2
    except ConfigError as e:
        click.echo(f"./pipeline: configuration: {e}", err=True)
        return 2
    except StepFailed as e:
        failure(e)
        return getattr(e, "exit_code", 1)
    except click.Abort:
        click.echo("aborted", err=True)
        return 130
    except SystemExit as e:
        return int(e.code or 0) if not isinstance(e.code, str) else 1
    return int(result or 0) if isinstance(result, int) else 0
