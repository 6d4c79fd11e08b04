"""``./pipeline reset``: what it lists and removes per part, its refusal off a terminal, idempotence.

Kafka and the warehouse are played by a fake of ``devstack reset`` (its output format, parsed by
the real parser); the checkpoint folders and the lake are real folders in a temporary stack home.
"""

import re
from collections.abc import Sequence
from pathlib import Path

import pytest

from cinestream_ops import cli, reset, resume, stack
from cinestream_ops.config import Config

DEVSTACK_OUTPUT = {
    "topics": "topic\tmovies_catalog_enriched\t1200\ntopic\tsign_in\t340\ngroup\tcinestream-flink-session-metrics\n",
    "warehouse": "table\tconsumer_events\t5000\ntable\tsession_metrics\t720\nschema\tanalytics\t31\n",
}


class FakeStack:
    """``devstack reset`` on a stack holding :data:`DEVSTACK_OUTPUT` until a part is executed."""

    def __init__(self) -> None:
        self.held = dict(DEVSTACK_OUTPUT)
        self.calls: list[tuple[tuple[str, ...], bool]] = []

    def __call__(self, parts: Sequence[str], execute: bool) -> list[reset.Item]:
        self.calls.append((tuple(parts), execute))
        remote = [p for p in parts if p in self.held]
        items = reset.parse_devstack("".join(self.held[p] for p in remote))
        if execute:
            for p in remote:
                self.held[p] = ""
        return items


@pytest.fixture(autouse=True)
def no_flink(monkeypatch: pytest.MonkeyPatch) -> None:
    """No Flink cluster answers (its jobs list is empty)."""
    monkeypatch.setattr(stack, "flink_jobs", lambda _config: [])


@pytest.fixture
def home(config: Config) -> Config:
    """A stack home whose three checkpoint folders and whose lake hold files."""
    for folder, name in zip(
        reset.checkpoint_dirs(config), ("raw-loader/offsets/0", "abc/chk-3/_metadata", "sp-1/x"), strict=True
    ):
        (folder / name).parent.mkdir(parents=True)
        (folder / name).write_bytes(b"x" * 1000)
    lake_file = lake_dir(config) / "bronze/sign_in/event_date=2026-01-05/q-1-b-0-part-00000.c000.snappy.parquet"
    lake_file.parent.mkdir(parents=True)
    lake_file.write_bytes(b"x" * 2000)
    return config


def lake_dir(config: Config) -> Path:
    """The default lake folder: ``$CINESTREAM_HOME/data/lake``."""
    lake = config.local_lake_dir
    assert lake == config.root / ".local/data/lake"
    return lake


def names(items: Sequence[reset.Item]) -> list[tuple[str, str]]:
    return [(i.kind, i.name) for i in items]


def test_checkpoint_folders_are_the_spark_and_flink_ones_of_the_stack_home(config: Config) -> None:
    home = config.root / ".local"
    assert reset.checkpoint_dirs(config) == [
        home / "checkpoints",
        home / "data/flink/checkpoints",
        home / "data/flink/savepoints",
    ]


@pytest.mark.parametrize(
    ("only", "expected"),
    [
        (
            ("topics",),
            [("topic", "movies_catalog_enriched"), ("topic", "sign_in"), ("group", "cinestream-flink-session-metrics")],
        ),
        (("warehouse",), [("table", "consumer_events"), ("table", "session_metrics"), ("schema", "analytics")]),
        (("checkpoints",), "folders"),
        (("lake",), "lake"),
        (
            ("warehouse", "topics"),
            [
                ("topic", "movies_catalog_enriched"),
                ("topic", "sign_in"),
                ("group", "cinestream-flink-session-metrics"),
                ("table", "consumer_events"),
                ("table", "session_metrics"),
                ("schema", "analytics"),
            ],
        ),
    ],
)
def test_each_only_lists_and_removes_its_part_and_nothing_else(
    home: Config, only: tuple[str, ...], expected: object, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = FakeStack()
    folders = [("folder", str(d)) for d in reset.checkpoint_dirs(home)]
    lake = [("folder", str(lake_dir(home)))]
    removed = reset.reset(home, only, yes=True, ask=lambda _q: False, interactive=False, remote=fake)
    assert names(removed) == {"folders": folders, "lake": lake}.get(str(expected), expected)
    parts = reset.selected(only)
    assert fake.calls == [(parts, False), (parts, True)]
    checkpoints_left = all(d.is_dir() for d in reset.checkpoint_dirs(home))
    assert checkpoints_left == ("checkpoints" not in only)
    assert lake_dir(home).is_dir() == ("lake" not in only)
    listing = capsys.readouterr().out
    for kind, name in names(removed):
        assert f"{kind:<10} {name}" in listing


def test_everything_by_default_in_part_order_with_sizes(home: Config) -> None:
    removed = reset.reset(home, (), yes=True, ask=lambda _q: False, interactive=False, remote=FakeStack())
    assert [i.part for i in removed] == ["topics"] * 3 + ["checkpoints"] * 3 + ["warehouse"] * 3 + ["lake"]
    assert removed[0].render() == "topic      movies_catalog_enriched (1,200 records)"
    assert removed[3].detail == "1 files, 0.0 MB"
    assert removed[-2].render() == "schema     analytics (dbt, 31 relations)"
    assert removed[-1].render() == f"folder     {lake_dir(home)} (1 files, 0.0 MB)"
    assert not lake_dir(home).exists()


def test_only_warehouse_keeps_the_lake_for_a_backfill(home: Config) -> None:
    reset.reset(home, ("warehouse",), yes=True, ask=lambda _q: False, interactive=False, remote=FakeStack())
    assert (lake_dir(home) / "bronze/sign_in").is_dir()


def test_a_lake_on_an_object_store_is_kept_and_said_so(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = Config.load(root, {"LAKE_URI": "s3a://bucket/cinestream/lake"})
    assert config.lake_uri == "s3a://bucket/cinestream/lake"
    assert config.local_lake_dir is None
    assert reset.reset(config, ("lake",), yes=True, ask=lambda _q: False, interactive=False, remote=FakeStack()) == []
    out = capsys.readouterr().out
    assert "the lake at s3a://bucket/cinestream/lake is not a local folder: kept" in out


def test_refuses_without_yes_off_a_terminal_and_removes_nothing(home: Config) -> None:
    fake = FakeStack()
    with pytest.raises(reset.Refused, match="^refusing to delete without --yes: stdin is not a terminal$"):
        reset.reset(home, (), yes=False, ask=lambda _q: True, interactive=False, remote=fake)
    assert all(execute is False for _, execute in fake.calls)
    assert all(d.is_dir() for d in reset.checkpoint_dirs(home))


def test_asks_on_a_terminal_and_a_no_removes_nothing(home: Config) -> None:
    asked: list[str] = []
    fake = FakeStack()

    def no(question: str) -> bool:
        asked.append(question)
        return False

    with pytest.raises(reset.Refused, match="nothing deleted"):
        reset.reset(home, ("checkpoints",), yes=False, ask=no, interactive=True, remote=fake)
    assert asked == ["Delete all of the above?"]
    assert all(d.is_dir() for d in reset.checkpoint_dirs(home))
    reset.reset(home, ("checkpoints",), yes=False, ask=lambda _q: True, interactive=True, remote=fake)
    assert not any(d.exists() for d in reset.checkpoint_dirs(home))


def test_a_second_reset_finds_nothing_says_so_and_needs_no_yes(
    home: Config, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = FakeStack()
    assert len(reset.reset(home, (), yes=True, ask=lambda _q: False, interactive=False, remote=fake)) == 10
    capsys.readouterr()
    assert reset.reset(home, (), yes=False, ask=lambda _q: False, interactive=False, remote=fake) == []
    assert "nothing to remove: already clean" in capsys.readouterr().out
    assert fake.calls[-1] == (reset.PARTS, False)


def test_checkpoints_take_the_job_id_ledger_with_them(home: Config) -> None:
    resume.record_job_id(home, "session-metrics", "a" * 32)
    resume.record_job_id(home, "session-metrics", "b" * 32)
    resume.record_job_id(home, "registration-metrics", "c" * 32)
    ledger = resume.ledger_path(home)
    removed = reset.reset(home, ("checkpoints",), yes=True, ask=lambda _q: False, interactive=False, remote=FakeStack())
    assert removed[-1] == reset.Item("checkpoints", "file", str(ledger), "3 job ids")
    assert not ledger.exists()
    assert resume.job_ids(home, "session-metrics") == []
    resume.record_job_id(home, "session-metrics", "d" * 32)
    reset.reset(home, ("warehouse",), yes=True, ask=lambda _q: False, interactive=False, remote=FakeStack())
    assert resume.job_ids(home, "session-metrics") == ["d" * 32]


def test_empty_checkpoint_folders_are_not_listed(config: Config) -> None:
    for folder in reset.checkpoint_dirs(config):
        (folder / "empty-subfolder").mkdir(parents=True)
    assert reset.folder_items(reset.checkpoint_dirs(config)) == []


def test_running_streaming_jobs_are_listed_first_and_stopped(
    home: Config, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    jobs = [{"jid": "a" * 32, "name": "session-metrics", "state": "RUNNING"}, {"jid": "b" * 32, "state": "FINISHED"}]
    monkeypatch.setattr(stack, "flink_jobs", lambda _config: jobs)
    stopped: list[str] = []

    def stop_jobs(_config: Config, items: Sequence[reset.Item]) -> None:
        stopped.extend(i.name for i in items)

    monkeypatch.setattr(reset, "stop_jobs", stop_jobs)
    removed = reset.reset(home, ("checkpoints",), yes=True, ask=lambda _q: False, interactive=False, remote=FakeStack())
    assert removed[0] == reset.Item("jobs", "flink job", f"session-metrics {'a' * 32}", "RUNNING")
    assert stopped == [f"session-metrics {'a' * 32}"]


def test_devstack_log_lines_are_skipped_and_a_malformed_item_is_an_error() -> None:
    log = "2026-12-04T20:20:29,598Z INFO  [main] i.c.d.k.TopicCreator - Topics on 127.0.0.1:39092: created [x]\n"
    assert reset.parse_devstack(log + "table\tcart_events\t12\n") == [
        reset.Item("warehouse", "table", "cart_events", "12 rows")
    ]
    with pytest.raises(ValueError, match=re.escape("unexpected line from devstack reset: 'topic\\tx\\t1\\t2'")):
        reset.parse_devstack("topic\tx\t1\t2\n")


def test_cli_refusal_is_one_line_and_exit_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def refuse(*_a: object, **_k: object) -> None:
        raise reset.Refused("refusing to delete without --yes: stdin is not a terminal")

    monkeypatch.setattr(reset, "reset", refuse)
    monkeypatch.setattr(cli, "load_config", lambda: None)
    assert cli.main(["reset", "--only", "topics"]) == 2
    assert capsys.readouterr().err == "./pipeline reset: refusing to delete without --yes: stdin is not a terminal\n"


def test_cli_only_is_repeatable_and_checked(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    calls: list[tuple] = []
    monkeypatch.setattr(reset, "reset", lambda config, only, **k: calls.append((only, k["yes"])))
    monkeypatch.setattr(cli, "load_config", lambda: None)
    assert cli.main(["reset", "--only", "topics", "--only", "warehouse", "--yes"]) == 0
    assert calls == [(("topics", "warehouse"), True)]
    assert cli.main(["reset", "--only", "lake", "--yes"]) == 0
    assert calls[-1] == (("lake",), True)
    assert cli.main(["reset", "--only", "logs"]) == 2
    assert "Invalid value for '--only': 'logs' is not one of 'topics', 'checkpoints', 'warehouse', 'lake'" in (
        capsys.readouterr().err
    )
