"""Per-step wall and CPU seconds of ``./pipeline run``."""

import os
import subprocess
import sys
import time
from pathlib import Path

from cinestream_ops import timing


def test_step_record_sums_children_and_stack_and_clamps_a_negative_share() -> None:
    before = timing.Sample(children_s=10.0, stack_s=100.0)
    after = timing.Sample(children_s=13.26, stack_s=104.0)
    assert timing.step_record("load", 20.04, before, after) == {
        "step": "load",
        "wall_s": 20.0,
        "cpu_s": 7.3,
        "cpu_children_s": 3.3,
        "cpu_stack_s": 4.0,
    }
    shrunk = timing.Sample(children_s=13.26, stack_s=90.0)
    assert timing.step_record("reset", 1.0, before, shrunk)["cpu_stack_s"] == 0.0


def test_recorded_pids_reads_every_pid_file(tmp_path: Path) -> None:
    (tmp_path / "kafka.pid").write_text("123\n")
    (tmp_path / "flink-root-taskexecutor.pid").write_text("456\n789\n")
    (tmp_path / "broken.pid").write_text("not a pid\n")
    (tmp_path / "notes.txt").write_text("999\n")
    assert timing.recorded_pids(tmp_path) == {123, 456, 789}


def test_tree_cpu_counts_a_busy_child_of_a_root_once_reaped(tmp_path: Path) -> None:
    # A shell (the root) whose child burns 1 s of CPU and exits: the shell reaps it, so the root's
    # tree holds that second (cutime), as PostgreSQL's postmaster holds its ended backends'.
    done = tmp_path / "done"
    burn = "import time; t = time.process_time()\nwhile time.process_time() - t < 1: pass"
    shell = subprocess.Popen(["/bin/sh", "-c", f"{sys.executable} -c '{burn}'; touch {done}; sleep 30"])
    try:
        deadline = time.monotonic() + 30
        while not done.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert done.exists()
        assert 0.95 < timing.tree_cpu_s({shell.pid}) < 2.0
        assert timing.tree_cpu_s({2**22 + 7}) == 0.0
        assert timing.tree_cpu_s({os.getpid()}) > 0.0
    finally:
        shell.kill()
        shell.wait()
