"""Where the tools are: the jars, the Python virtualenvs, SPARK_HOME and FLINK_HOME (each looked up here only)."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from .config import Config
from .console import StepFailed, run_logged, step

#: The virtualenvs ./pipeline manages: name -> (lock file, extra pip arguments).
VENVS = {
    "spark": ("requirements/spark.txt", ()),
    "flink": ("requirements/flink.txt", ("--no-deps",)),
    "dbt": ("requirements/dbt.txt", ()),
    "interop": ("requirements/interop.txt", ()),
    "fakesnow": ("requirements/fakesnow.txt", ()),
    "airflow": ("requirements/airflow.txt", ()),
}


@dataclass(frozen=True)
class Jars:
    """The build's outputs under the project root (``mvn install`` writes them)."""

    root: Path

    @property
    def devstack_cp(self) -> str:
        """The devstack classpath (its jar and its dependencies' folder, as a ``java -cp`` wildcard)."""
        return f"{self.root}/devstack/target/devstack.jar:{self.root}/devstack/target/lib/*"

    @property
    def spark(self) -> Path:
        """The Spark jobs' shaded jar."""
        return self.root / "spark-jobs/target/spark-jobs.jar"

    @property
    def flink(self) -> Path:
        """The Flink jobs' shaded jar."""
        return self.root / "flink-jobs/target/flink-jobs.jar"

    @property
    def generator(self) -> Path:
        """The generator's executable jar."""
        return self.root / "generator/target/generator.jar"

    @property
    def verify(self) -> Path:
        """The verifier's executable jar (reference, compare, report)."""
        return self.root / "verify/target/verify.jar"

    @property
    def bench(self) -> Path:
        """The benchmark's jar (its dependencies in ``bench/target/lib``)."""
        return self.root / "bench/target/bench.jar"

    def all(self) -> list[Path]:
        """Every jar a command may run (``build`` rebuilds when one is missing)."""
        devstack = self.root / "devstack/target/devstack.jar"
        return [devstack, self.spark, self.flink, self.generator, self.verify, self.bench]


def lock_hash(lock: Path) -> str:
    """The SHA-256 (hex) of a lock file's content: a venv is reinstalled when it changes (not on mtime)."""
    return hashlib.sha256(lock.read_bytes()).hexdigest()


def ensure_venv(config: Config, name: str) -> Path:
    """A virtualenv ``$CINESTREAM_VENVS/NAME`` holding its pinned packages; (re)built when its lock changed.

    The venv records the lock's content hash in ``.installed``; a fresh checkout with the same lock
    reuses it.

    :param config: the configuration (``venvs``, ``log_dir``)
    :param name: a key of :data:`VENVS`
    :return: the venv's folder
    :raises StepFailed: when ``python3 -m venv`` or ``pip install`` fails
    """
    lock, pip_args = VENVS[name]
    lock_file = config.root / lock
    venv = config.venvs / name
    want = lock_hash(lock_file)
    marker = venv / ".installed"
    if marker.is_file() and marker.read_text(encoding="utf-8").strip() == want:
        return venv
    step(f"Installing Python packages for {name} into {venv}")
    shutil.rmtree(venv, ignore_errors=True)
    python = shutil.which("python3") or "python3"
    if subprocess.run([python, "-m", "venv", str(venv)], check=False).returncode != 0:
        raise StepFailed(f"venv {name}", "python3 -m venv failed (Python 3.11 with venv required)")
    run_logged(
        f"pip install -r {lock}",
        config.log_dir / f"pip-{name}.log",
        [str(venv / "bin/pip"), "install", "--disable-pip-version-check", *pip_args, "-r", str(lock_file)],
    )
    marker.write_text(want + "\n", encoding="utf-8")
    return venv


@cache
def _package_dir(python: str, package: str) -> Path:
    out = subprocess.run(
        [python, "-c", f"import os, {package}; print(os.path.dirname({package}.__file__))"],
        capture_output=True,
        text=True,
        check=False,
    )
    if out.returncode != 0:
        raise StepFailed(f"find {package}", f"{python} cannot import {package}: {out.stderr.strip()[-200:]}")
    return Path(out.stdout.strip())


def spark_home(config: Config) -> Path:
    """SPARK_HOME: the ``pyspark`` package of the spark venv (it ships ``bin/spark-submit``).

    :raises StepFailed: when the venv cannot import pyspark
    """
    return _package_dir(str(ensure_venv(config, "spark") / "bin/python"), "pyspark")


def flink_home(config: Config) -> Path:
    """FLINK_HOME: the ``pyflink`` package of the flink venv (it ships ``bin/flink`` and ``lib/``).

    :raises StepFailed: when the venv cannot import pyflink
    """
    return _package_dir(str(ensure_venv(config, "flink") / "bin/python"), "pyflink")
