"""The command line: each bad flag rejected before anything starts, one line, exit status 2."""

from pathlib import Path

import pytest

from cinestream_ops import cli, jobs, ops_commands

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def no_jobs(monkeypatch: pytest.MonkeyPatch) -> list[tuple]:
    """Records calls of the commands instead of running them (nothing may start)."""
    calls: list[tuple] = []
    monkeypatch.setenv("CINESTREAM_ROOT", str(REPO))
    for name in ("run", "catalog", "metrics", "tick", "report", "load", "up", "stop", "backfill"):
        monkeypatch.setattr(jobs, name, lambda *a, _n=name, **k: calls.append((_n, a, k)))
    monkeypatch.setattr(ops_commands, "chaos", lambda *a, **k: calls.append(("chaos", a, k)))
    monkeypatch.setattr(ops_commands, "bench", lambda *a, **k: calls.append(("bench", a, k)))
    return calls


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["run", "--hours", "KAFKA_PORT[$(id)0]*0+24"], "./pipeline run: Invalid value for '--hours': "),
        (["run", "--users", "-1"], "./pipeline run: Invalid value for '--users': -1 is not in the range 1<=x<="),
        (["run", "--hours", "0"], "./pipeline run: Invalid value for '--hours': 0 is not in the range 1<=x<=8784."),
        (["run", "--hours", "1.5"], "./pipeline run: Invalid value for '--hours': '1.5' is not a valid integer"),
        (["run", "--movies", "/nonexistent"], "./pipeline run: Invalid value for '--movies': File '/nonexistent' does"),
        (["run", "--users"], "./pipeline: Option '--users' requires an argument."),
        (["run", "--seed", "x"], "./pipeline run: Invalid value for '--seed'"),
        (["run", "--run-id", "../x"], "./pipeline run: Invalid value for '--run-id': '../x' may hold only letters"),
        (["run", "--bogus"], "./pipeline run: No such option '--bogus'."),
        (["metrics", "--engine", "storm"], "./pipeline metrics: Invalid value for '--engine': 'storm' is not one of"),
        (["tick", "--at", "tomorrow"], "./pipeline tick: Invalid value for '--at': 'tomorrow' is not an ISO UTC"),
        (["report", "--param", "novalue"], "./pipeline report: Invalid value for '--param': 'novalue' is not"),
        (["catalog", "/nonexistent"], "./pipeline catalog: Invalid value for '[FILE]': File '/nonexistent' does"),
        (["chaos", "--only", "loader,disk"], "./pipeline chaos: Invalid value for '--only': 'loader,disk': each of"),
        (["chaos", "--hours", "0"], "./pipeline chaos: Invalid value for '--hours'"),
        (["bench", "--events", "0"], "./pipeline bench: Invalid value for '--events'"),
        (["bench", "--engines", "storm"], "./pipeline bench: Invalid value for '--engines'"),
        (
            ["backfill", "--topics", "sign_in,clicks"],
            "./pipeline backfill: Invalid value for '--topics': 'sign_in,clicks'",
        ),
        (["backfill", "--topics", ""], "./pipeline backfill: Invalid value for '--topics': '': each of"),
        (
            ["backfill", "--since", "2026-13-01"],
            "./pipeline backfill: Invalid value for '--since': '2026-13-01' is not a date",
        ),
        (
            ["backfill", "--until", "yesterday"],
            "./pipeline backfill: Invalid value for '--until': 'yesterday' is not a date",
        ),
        (
            ["backfill", "--since", "2026-01-06", "--until", "2026-01-05"],
            "./pipeline backfill: --since 2026-01-06 is after --until 2026-01-05",
        ),
        (["nosuch"], "./pipeline: No such command 'nosuch'."),
    ],
)
def test_bad_flag_is_one_line_and_exit_2(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str], no_jobs: list[tuple]
) -> None:
    assert cli.main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith(message)
    assert err.count("\n") == 1
    assert no_jobs == []


def test_bad_configuration_is_exit_2(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("KAFKA_PORT", "99999")
    assert cli.main(["up"]) == 2
    assert capsys.readouterr().err == (
        "./pipeline: configuration: KAFKA_PORT='99999': not a TCP port (a whole number 1-65535)\n"
    )


def test_valid_run_flags_reach_the_job(no_jobs: list[tuple], monkeypatch: pytest.MonkeyPatch) -> None:
    for key in ("KAFKA_PORT", "KAFKA_BOOTSTRAP"):
        monkeypatch.delenv(key, raising=False)
    assert cli.main(["run", "--users", "300", "--hours", "6", "--seed", "11", "--run-id", "smoke-1"]) == 0
    ((name, args, _),) = no_jobs
    config, movies, users, hours, seed, run_id, down = args
    assert _ == {"keep": False}
    assert (name, movies, users, hours, seed) == ("run", REPO / "data/Movies.txt", 300, 6, 11)
    assert (run_id, down) == ("smoke-1", False)
    assert config.root == REPO


def test_chaos_passes_its_flags_on(no_jobs: list[tuple]) -> None:
    assert cli.main(["chaos", "--only", "loader,taskmanager", "--users", "300", "--hours", "2"]) == 0
    ((name, (_, args), _),) = no_jobs
    assert args == ["--users", "300", "--hours", "2.0", "--only", "loader,taskmanager"]


def test_no_command_prints_usage_and_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main([]) == 2
    assert "Commands:" in capsys.readouterr().err


def test_help_lists_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--help"]) == 0
    out = capsys.readouterr().out
    for command in ("run", "up", "down", "status", "catalog", "generate", "tick", "load", "metrics", "verify"):
        assert f"\n  {command} " in out
    for command in ("bench", "dbt", "report", "flink", "airflow", "chaos", "test", "build"):
        assert f"\n  {command} " in out


def test_tick_time_is_end_plus_one_hour_two_minutes_one_second() -> None:
    assert jobs.tick_time(24) == "2026-01-06T01:02:01Z"
    assert jobs.tick_time(6) == "2026-01-05T07:02:01Z"
    assert jobs.tick_time(2) == "2026-01-05T03:02:01Z"


def test_backfill_passes_topics_and_dates(no_jobs: list[tuple]) -> None:
    assert cli.main(["backfill"]) == 0
    assert (
        cli.main(["backfill", "--topics", "sign_in,item_view", "--since", "2026-01-05", "--until", "2026-01-05"]) == 0
    )
    assert [(c[0], c[1][1:]) for c in no_jobs] == [
        ("backfill", ((), None, None)),
        ("backfill", (("sign_in", "item_view"), "2026-01-05", "2026-01-05")),
    ]
