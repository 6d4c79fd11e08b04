"""Issue 23 item 6: a Flink metric job never resumes from committed offsets with empty state."""

import json
import os
from pathlib import Path

import pytest

from cinestream_ops import cli, jobs, resume, stack
from cinestream_ops.config import Config

OFFSETS = ["cinestream-flink-session-metrics sign_in/0@120", "cinestream-flink-session-metrics sign_out/0@95"]


def test_committed_offsets_without_a_checkpoint_are_refused() -> None:
    with pytest.raises(resume.RefusedStart) as refused:
        resume.decide("session-metrics", OFFSETS, None, False)
    message = refused.value.format_message()
    assert "consumer group cinestream-flink-session-metrics has committed offsets" in message
    assert "2 partition(s), e.g. sign_in/0@120" in message
    assert "--from-scratch" in message
    assert "\n" not in message


def test_a_checkpoint_wins_over_committed_offsets(tmp_path: Path) -> None:
    assert resume.decide("session-metrics", OFFSETS, tmp_path, False) == resume.Plan("restore", tmp_path)


def test_no_offsets_and_no_checkpoint_is_a_first_start() -> None:
    assert resume.decide("registration-metrics", [], None, False) == resume.Plan("fresh")


def test_from_scratch_is_always_allowed() -> None:
    assert resume.decide("movie-sales", OFFSETS, None, True) == resume.Plan("scratch")


def test_the_sales_job_has_two_groups_and_unknown_jobs_none() -> None:
    assert resume.consumer_groups("movie-sales") == [
        "cinestream-flink-movie-sales",
        "cinestream-flink-movie-sales-catalog",
    ]
    with pytest.raises(KeyError):
        resume.consumer_groups("nope")


def _complete(path: Path, mtime: float) -> Path:
    path.mkdir(parents=True)
    (path / "_metadata").write_bytes(b"x")
    os.utime(path / "_metadata", (mtime, mtime))
    return path


def test_newest_checkpoint_or_savepoint_of_the_recorded_ids(config: Config) -> None:
    old, new, other = "a" * 32, "b" * 32, "c" * 32
    resume.record_job_id(config, "session-metrics", old)
    resume.record_job_id(config, "session-metrics", new)
    cps, sps = resume.checkpoints_dir(config), resume.savepoints_dir(config)
    _complete(cps / old / "chk-7", 1_000)
    _complete(cps / new / "chk-3", 2_000)
    (cps / new / "chk-4").mkdir()  # in progress: no _metadata
    savepoint = _complete(sps / f"savepoint-{new[:6]}-0123456789ab", 3_000)
    _complete(cps / other / "chk-9", 9_000)  # another job's

    assert resume.job_ids(config, "session-metrics") == [old, new]
    # The one ledger (the Airflow DAG submits through ./pipeline metrics as well).
    assert resume.ledger_path(config) == config.home / "run" / "flink-job-ledger.json"
    assert json.loads(resume.ledger_path(config).read_text()) == {"session-metrics": [old, new]}
    assert resume.newest_restore_point(config, "session-metrics") == savepoint
    assert resume.newest_restore_point(config, "movie-sales") is None


def test_from_scratch_deletes_the_groups_and_the_checkpoints_together(
    config: Config, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[tuple[list[str], bool]] = []

    def tool(config: Config, groups: list[str], *, delete: bool) -> list[str]:
        calls.append((groups, delete))
        return [f"deleted {g}" for g in groups]

    monkeypatch.setattr(resume, "_groups_tool", tool)
    job_id = "e" * 32
    resume.record_job_id(config, "movie-sales", job_id)
    checkpoint = _complete(resume.checkpoints_dir(config) / job_id / "chk-1", 1_000)
    savepoint = _complete(resume.savepoints_dir(config) / f"savepoint-{job_id[:6]}-ffffffffffff", 1_000)

    done = resume.from_scratch(config, "movie-sales")

    assert calls == [(["cinestream-flink-movie-sales", "cinestream-flink-movie-sales-catalog"], True)]
    assert not checkpoint.exists() and not savepoint.exists()
    assert resume.job_ids(config, "movie-sales") == []
    assert "deleted cinestream-flink-movie-sales" in done


@pytest.fixture
def cluster(config: Config, monkeypatch: pytest.MonkeyPatch, root: Path) -> list[list[str]]:
    """No build, a healthy cluster running nothing; records the flink run command lines.

    The CLI reads the test root's configuration, not the checkout's: a checkout whose stack holds
    savepoints (after a live run) would otherwise make every job resume from them.
    """
    monkeypatch.setenv("CINESTREAM_ROOT", str(root))
    monkeypatch.setattr(jobs, "ensure_build", lambda config: None)
    monkeypatch.setattr(jobs, "flink_home", lambda config: Path("/flink"))
    monkeypatch.setattr(stack, "require_stack", lambda config, step: None)
    monkeypatch.setattr(stack, "flink_healthy", lambda config: {"taskmanagers": 1})
    monkeypatch.setattr(stack, "flink_jobs", lambda config: [])
    monkeypatch.chdir(root)
    submitted: list[list[str]] = []

    class Done:
        returncode = 0

    def run(argv: list[str], stdout, **kwargs: object) -> Done:
        submitted.append(argv)
        stdout.write(f"Job has been submitted with JobID {'d' * 32}\n".encode())
        return Done()

    monkeypatch.setattr(jobs.subprocess, "run", run)
    return submitted


def test_pipeline_metrics_refuses_with_exit_2_before_submitting_anything(
    cluster: list[list[str]], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    offsets = {"session-metrics": OFFSETS}
    monkeypatch.setattr(resume, "committed_offsets", lambda config, job: offsets.get(job, []))

    assert cli.main(["metrics", "--engine", "flink"]) == 2

    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert err[0].startswith("./pipeline metrics: session-metrics: consumer group cinestream-flink-session-metrics")
    assert cluster == []


def test_pipeline_metrics_resumes_from_the_checkpoint_and_records_the_new_id(
    cluster: list[list[str]], config: Config, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(resume, "committed_offsets", lambda config, job: OFFSETS)
    for job in ("registration-metrics", "session-metrics", "movie-sales"):
        resume.record_job_id(config, job, job[0] * 32)
        _complete(resume.checkpoints_dir(config) / (job[0] * 32) / "chk-2", 1_000)

    jobs.flink_metrics(config, bounded=False)

    restores = [argv[argv.index("-s") + 1] for argv in cluster]
    assert restores == [str(resume.checkpoints_dir(config) / (j * 32) / "chk-2") for j in ("r", "s", "m")]
    assert resume.job_ids(config, "session-metrics") == ["s" * 32, "d" * 32]


def test_pipeline_metrics_from_scratch_deletes_then_starts_without_restore(
    cluster: list[list[str]], config: Config, monkeypatch: pytest.MonkeyPatch
) -> None:
    deleted: list[str] = []
    monkeypatch.setattr(resume, "from_scratch", lambda config, job: deleted.append(job) or [])
    monkeypatch.setattr(resume, "committed_offsets", lambda config, job: OFFSETS)

    assert cli.main(["metrics", "--engine", "flink", "--from-scratch"]) == 0

    assert deleted == ["registration-metrics", "session-metrics", "movie-sales"]
    assert len(cluster) == 3 and all("-s" not in argv for argv in cluster)
