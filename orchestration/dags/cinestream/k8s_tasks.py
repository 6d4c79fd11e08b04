"""Task bodies of the ``kubernetes`` runner (:mod:`cinestream.runners`): the same steps as the
``./pipeline`` calls of the ``local`` runner, as cluster resources built from ``k8s/``.

Imported inside tasks only; reads no ``cinestream.conf`` and never imports the ops package.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from cinestream import catalog_store, k8s_resources, k8s_runner
from cinestream.catalog_file import InvalidCatalogFile
from cinestream.k8s_resources import ClusterConfig


def pick_delivery(param_file: str | None, config: ClusterConfig) -> str | None:
    """The delivery of this run: the ``file`` param (a URI), else the oldest incoming object."""
    return param_file or catalog_store.oldest_delivery(config.incoming_uri)


def validate_delivery(param_file: str | None, max_bytes: int) -> dict | None:
    """Picks and validates the delivery (a rejected incoming one moves to the rejected folder).

    :return: ``{"path": URI, "size_bytes": int, "records": int}``, or None when there is none
    :raises InvalidCatalogFile: on a rejected delivery; its message says where it was moved
    """
    config = ClusterConfig.from_env()
    uri = pick_delivery(param_file, config)
    if uri is None:
        return None
    with tempfile.TemporaryDirectory(prefix="cinestream-catalog-") as tmp:
        try:
            checked = catalog_store.validate_delivery(uri, max_bytes, Path(tmp))
        except InvalidCatalogFile as e:
            where = ""
            if uri.startswith(config.incoming_uri + "/"):
                where = "; moved to " + catalog_store.move_delivery(uri, config.rejected_uri, e.reason)
            raise InvalidCatalogFile(Path(uri), e.reason + where) from e
    return {"path": uri, "size_bytes": checked.size_bytes, "records": checked.records}


def run_catalog_job(uri: str, run_id: str, timeout_s: float) -> str:
    """The catalogue Job for one delivery; returns its log (with the data-quality summary)."""
    job = k8s_resources.catalog_job(ClusterConfig.from_env(), run_id, uri)
    return k8s_runner.run_job(job, timeout_s)


def archive_delivery(uri: str) -> str:
    """Moves an ingested incoming delivery to the archive (copies one given from elsewhere)."""
    config = ClusterConfig.from_env()
    keep = not uri.startswith(config.incoming_uri + "/")
    return catalog_store.move_delivery(uri, config.archive_uri, keep_source=keep)


def ensure_raw_loader(timeout_s: float) -> str:
    """The streaming raw loader's Deployment, created or brought to the manifest, one replica ready."""
    return k8s_runner.ensure_deployment(k8s_resources.raw_loader(ClusterConfig.from_env()), timeout_s)


def ensure_flink_jobs(timeout_s: float) -> dict[str, str]:
    """Every metric job's FlinkDeployment applied and watched until its job runs.

    :return: job name -> e.g. ``created, job RUNNING``
    """
    config = ClusterConfig.from_env()
    return {
        job: k8s_runner.apply_flink_deployment(k8s_resources.flink_deployment(config, job), timeout_s)
        for job in k8s_resources.FLINK_JOBS
    }


def run_spark_metrics(run_id: str, timeout_s: float) -> str:
    """The Spark metric jobs, one available-now run, as a Job; returns its log."""
    return k8s_runner.run_job(k8s_resources.spark_metrics_job(ClusterConfig.from_env(), run_id), timeout_s)


def verify(run_id: str, timeout_s: float) -> str:
    """The verifier as a Job (fails on a difference); returns its log."""
    return k8s_runner.run_job(k8s_resources.verify_job(ClusterConfig.from_env(), run_id), timeout_s)


def dbt_build(run_id: str, dbt_args: list[str], timeout_s: float) -> str:
    """``dbt build`` as a Job (``--full-refresh`` when ``dbt_args`` has it); returns its log."""
    return k8s_runner.run_job(k8s_resources.dbt_job(ClusterConfig.from_env(), run_id, dbt_args), timeout_s)
