"""Which runner executes the DAGs' tasks: chosen by configuration, the same DAGs either way.

``CINESTREAM_RUNNER`` (environment of the Airflow processes, read when a DAG file is parsed and
when a task runs):

- ``local`` (default): every task calls ``./pipeline`` of this checkout (the ops package), on the
  local stack or whatever ``cinestream.conf``/the Variable ``cinestream_conf`` points at.
- ``kubernetes``: every task creates or updates the cluster's resources, built from the manifests
  of ``k8s/`` (:mod:`cinestream.k8s_resources`) through the cncf.kubernetes provider
  (:mod:`cinestream.k8s_runner`); the catalogue deliveries are on object storage.

Each runner's modules are imported inside the tasks only, so parsing a DAG never imports the ops
package (absent from the cluster's Airflow image) nor the Kubernetes client.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

RUNNER_ENV = "CINESTREAM_RUNNER"
RUNNERS = ("local", "kubernetes")


def runner_name(environ: Mapping[str, str] | None = None) -> str:
    """The configured runner.

    :param environ: the environment (default ``os.environ``)
    :return: ``local`` or ``kubernetes``
    :raises ValueError: on another value (names the variable)
    """
    env = os.environ if environ is None else environ
    name = (env.get(RUNNER_ENV) or "local").strip().lower()
    if name not in RUNNERS:
        raise ValueError(f"{RUNNER_ENV}={name!r}: expected one of {RUNNERS}")
    return name
