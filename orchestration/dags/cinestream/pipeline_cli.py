"""Calls of ``./pipeline``, the one way the DAGs submit work (the same commands a person runs)."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
from collections import deque
from collections.abc import Mapping, Sequence
from pathlib import Path

log = logging.getLogger(__name__)

#: Lines of output kept for the error message of a failed call.
TAIL_LINES = 30


class PipelineCommandError(RuntimeError):
    """A ``./pipeline`` call that exited non-zero; ``str()`` names the command, exit status and output tail.

    :param command: the argument list
    :param returncode: the exit status (124 or negative: killed)
    :param tail: the last lines of its output (``./pipeline`` prints step, cause and log file last)
    """

    def __init__(self, command: Sequence[str], returncode: int, tail: str):
        super().__init__(f"{' '.join(command)} exited with status {returncode}; last output:\n{tail}")
        self.command = list(command)
        self.returncode = returncode
        self.tail = tail


def run_pipeline(pipeline: Path, args: Sequence[str], env: Mapping[str, str] | None = None) -> str:
    """Runs ``./pipeline ARGS``, streaming each output line to the task log.

    :param pipeline: path of the ``pipeline`` script (its folder is the working directory)
    :param args: the command and its options, e.g. ``["catalog", "/data/Movies.txt"]``
    :param env: the environment (default: inherited)
    Interrupted (e.g. by the task's execution timeout), it sends SIGTERM to the command's process
    group before re-raising.

    :return: the whole output (stdout and stderr interleaved)
    :raises PipelineCommandError: when it exits non-zero
    """
    command = [str(pipeline), *args]
    log.info("running %s", " ".join(command))
    lines: list[str] = []
    tail: deque[str] = deque(maxlen=TAIL_LINES)
    with subprocess.Popen(
        command,
        cwd=Path(pipeline).parent,
        env=None if env is None else dict(env),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        errors="replace",
        start_new_session=True,
    ) as process:
        assert process.stdout is not None
        try:
            for line in process.stdout:
                line = line.rstrip("\n")
                log.info("%s", line)
                lines.append(line)
                tail.append(line)
            returncode = process.wait()
        except BaseException:
            # An execution timeout or a kill of the task lands here: stop the command's whole
            # process group (spark-submit, flink, dbt), not only the pipeline script.
            log.warning("stopping %s (process group %d)", " ".join(command), process.pid)
            os.killpg(process.pid, signal.SIGTERM)
            raise
    if returncode != 0:
        raise PipelineCommandError(command, returncode, "\n".join(tail))
    return "\n".join(lines) + "\n"
