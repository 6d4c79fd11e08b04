"""Where the tools are: the jars, the Python virtualenvs, SPARK_HOME and FLINK_HOME (each looked up here only)."""

from __future__ import annotations

import hashlib
import os
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
        """The Flink jobs' thin jar: our classes only (docs/architecture.md#the-flink-job-jar)."""
        return self.root / "flink-jobs/target/flink-jobs.jar"

    @property
    def flink_cluster_lib(self) -> Path:
        """The Flink jobs' runtime libraries, for the cluster's lib/ (connectors, kafka-clients, Avro, schemas)."""
        return self.root / "flink-jobs/target/cluster-lib"

    def flink_schemas_jar(self) -> Path:
        """Our schemas' jar in :attr:`flink_cluster_lib` (its path when built; a path that does not exist when not)."""
        found = sorted(self.flink_cluster_lib.glob("cinestream-schemas-*.jar"))
        return found[-1] if found else self.flink_cluster_lib / "cinestream-schemas.jar"

    @property
    def generator(self) -> Path:
        """The generator's executable jar."""
        return self.root / "generator/target/generator.jar"

    @property
    def verify(self) -> Path:
        """The verifier's executable jar (reference, compare, report)."""
        return self.root / "verify/target/verify.jar"

    @property
    def dashboard(self) -> Path:
        """The dashboard's executable jar (its page, JSON API and /metrics)."""
        return self.root / "dashboard/target/dashboard.jar"

    @property
    def bench(self) -> Path:
        """The benchmark's jar (its dependencies in ``bench/target/lib``)."""
        return self.root / "bench/target/bench.jar"

    def all(self) -> list[Path]:
        """Every jar a command may run (``build`` rebuilds when one is missing).

        The Flink jobs' jar is thin, so the schemas jar in its cluster-lib stands for that folder:
        an older build (a shaded jar, no cluster-lib) is rebuilt.
        """
        devstack = self.root / "devstack/target/devstack.jar"
        return [
            devstack,
            self.spark,
            self.flink,
            self.flink_schemas_jar(),
            self.generator,
            self.verify,
            self.bench,
            self.dashboard,
        ]


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


#: The Debian packages of the monitoring (docs/operations.md#monitoring): Prometheus with promtool,
#: and the Pushgateway that Flink's daemons push to.
PROMETHEUS_PACKAGES = ("prometheus", "prometheus-pushgateway")


@dataclass(frozen=True)
class Prometheus:
    """The installed Prometheus server, its ``promtool`` and the Pushgateway."""

    server: Path
    promtool: Path
    pushgateway: Path


def _prometheus_binaries() -> Prometheus | None:
    found = [shutil.which(name) for name in ("prometheus", "promtool", "prometheus-pushgateway")]
    return Prometheus(*(Path(p) for p in found)) if all(found) else None


def ensure_prometheus(config: Config) -> Prometheus:
    """Prometheus, promtool and the Pushgateway, installed from Debian's packages when missing.

    Idempotent: an installed package is used as it is (no apt call). The package's own service is
    not used (the stack starts its own server on 127.0.0.1, :func:`stack.start_prometheus`).

    :param config: the configuration (``log_dir`` for the apt log)
    :return: the binaries' paths
    :raises StepFailed: when they are missing and apt-get is not there, this is not root, or the
        install fails (the log names the cause)
    """
    found = _prometheus_binaries()
    if found:
        return found
    log = _apt_install(config, "prometheus", PROMETHEUS_PACKAGES, "Prometheus (with promtool) and the Pushgateway")
    found = _prometheus_binaries()
    if found is None:
        raise StepFailed("install prometheus", "prometheus/promtool/pushgateway not on PATH after apt-get install", log)
    return found


def _apt_install(config: Config, name: str, packages: tuple[str, ...], what: str) -> Path:
    """``apt-get install`` of Debian packages (root only), logged to ``logs/apt-NAME.log``.

    :param name: the step's name (``install NAME``) and the log's
    :param packages: the Debian packages
    :param what: what they are, for the messages
    :return: the log file
    :raises StepFailed: when apt-get is not there, this is not root, or the install fails
    """
    apt = shutil.which("apt-get")
    if apt is None:
        raise StepFailed(
            f"install {name}",
            f"{what} not installed and apt-get is not available: install it by hand and put it on PATH",
        )
    if os.geteuid() != 0:
        raise StepFailed(
            f"install {name}", f"{what} not installed; installing needs root: apt-get install -y {' '.join(packages)}"
        )
    step(f"Installing {what} (Debian packages {', '.join(packages)})")
    log = config.log_dir / f"apt-{name}.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    run_logged("apt-get update", log, [apt, "update", "-qq"], env=env)
    # --no-install-recommends: what the packages recommend is not used.
    install = [apt, "install", "-y", "-qq", "--no-install-recommends", "-o", "DPkg::Lock::Timeout=600"]
    run_logged(f"apt-get install {name}", log, [*install, *packages], env=env)
    return log


#: The Debian package of the headless browser the page tests drive (Playwright's own browser
#: downloads are not reachable here: it is pointed at this binary).
CHROMIUM_PACKAGES = ("chromium",)


def ensure_chromium(config: Config) -> Path:
    """Debian's Chromium, installed when missing (like :func:`ensure_prometheus`; idempotent).

    :param config: the configuration (``log_dir`` for the apt log)
    :return: the browser binary
    :raises StepFailed: when it is missing and cannot be installed (see :func:`_apt_install`)
    """
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found:
        return Path(found)
    log = _apt_install(config, "chromium", CHROMIUM_PACKAGES, "Chromium")
    found = shutil.which("chromium")
    if found is None:
        raise StepFailed("install chromium", "chromium not on PATH after apt-get install", log)
    return Path(found)
