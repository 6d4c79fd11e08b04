"""The Kubernetes resources of the ``kubernetes`` runner, built from the manifests of ``k8s/``.

There is one copy of every workload: the manifests under ``k8s/`` (what ``kubectl apply -k``
deploys and ``k8s/validate.sh`` validates). A task picks its manifest file and patches only what
differs per run: the name (unique per run for a Job), the namespace, the image tag, and the
application's arguments. Nothing here talks to a cluster (:mod:`cinestream.k8s_runner` does), so
every resource can be rendered and validated offline.

The production settings, read from the environment of the Airflow pods (``k8s/airflow/values.yaml``
sets them; the endpoints and secrets by reference stay in ``k8s/base/endpoints.yaml`` and the
manifests):

============================== ===================================================================
``CINESTREAM_RUNNER``          ``local`` (default) or ``kubernetes`` (:mod:`cinestream.runners`)
``CINESTREAM_K8S_MANIFESTS``   the ``k8s/`` folder (default: ``k8s/`` of the checkout holding this
                               DAGs folder; git-sync checks out the whole repository)
``CINESTREAM_K8S_NAMESPACE``   namespace of the workloads (default ``cinestream``)
``CINESTREAM_IMAGE_TAG``       tag of the ``cinestream/*`` images (default ``0.1.0``, as the prod
                               overlay)
``CINESTREAM_INCOMING_URI``    object-storage folder watched for catalogue deliveries (default
                               ``s3://cinestream-state/incoming``); archive and rejected folders
                               are its siblings ``catalog/archive`` and ``catalog/rejected``
============================== ===================================================================
"""

from __future__ import annotations

import copy
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

#: The Flink metric jobs: FlinkDeployment name -> manifest under ``k8s/base/flink/``.
FLINK_JOBS = ("registration-metrics", "session-metrics", "movie-sales")

CATALOG_MANIFEST = "base/spark/catalog-job.yaml"
RAW_LOADER_MANIFEST = "base/spark/raw-loader.yaml"
VERIFY_MANIFEST = "airflow/tasks/verify-job.yaml"
DBT_MANIFEST = "airflow/tasks/dbt-job.yaml"
SPARK_METRICS_MAIN = "io.cinestream.spark.metrics.MetricsSparkJob"

#: Kubernetes object names: at most 63 characters, lower-case alphanumerics and ``-``.
_NAME_CHARS = re.compile(r"[^a-z0-9-]+")


@dataclass(frozen=True)
class ClusterConfig:
    """Where and how the ``kubernetes`` runner starts the workloads (see the module docstring).

    :param manifests: the ``k8s/`` folder
    :param namespace: namespace of every resource
    :param image_tag: tag given to every ``cinestream/*`` image
    :param incoming_uri: object-storage folder of new catalogue deliveries (no trailing ``/``)
    """

    manifests: Path
    namespace: str = "cinestream"
    image_tag: str = "0.1.0"
    incoming_uri: str = "s3://cinestream-state/incoming"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> ClusterConfig:
        """Reads the settings from the environment.

        :param environ: the environment (default ``os.environ``)
        :return: the settings, defaults for what is unset
        :raises FileNotFoundError: when the manifests folder does not exist
        """
        env = os.environ if environ is None else environ
        default = Path(__file__).resolve().parents[3] / "k8s"
        manifests = Path(env.get("CINESTREAM_K8S_MANIFESTS") or default)
        if not (manifests / "base").is_dir():
            raise FileNotFoundError(f"no k8s manifests in {manifests} (set CINESTREAM_K8S_MANIFESTS)")
        return cls(
            manifests=manifests,
            namespace=env.get("CINESTREAM_K8S_NAMESPACE") or cls.namespace,
            image_tag=env.get("CINESTREAM_IMAGE_TAG") or cls.image_tag,
            incoming_uri=(env.get("CINESTREAM_INCOMING_URI") or cls.incoming_uri).rstrip("/"),
        )

    @property
    def archive_uri(self) -> str:
        """Where ingested deliveries go: ``<parent of incoming>/catalog/archive``."""
        return self.incoming_uri.rsplit("/", 1)[0] + "/catalog/archive"

    @property
    def rejected_uri(self) -> str:
        """Where rejected deliveries go: ``<parent of incoming>/catalog/rejected``."""
        return self.incoming_uri.rsplit("/", 1)[0] + "/catalog/rejected"


def load_manifest(config: ClusterConfig, relative: str, kind: str) -> dict[str, Any]:
    """The first resource of ``kind`` in a manifest file of ``k8s/`` (a deep copy).

    :param config: the settings (``manifests``)
    :param relative: path under ``k8s/``, e.g. ``base/spark/catalog-job.yaml``
    :param kind: e.g. ``Job``
    :return: the resource as a dict
    :raises LookupError: when the file holds no resource of that kind
    """
    path = config.manifests / relative
    for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")):
        if isinstance(doc, dict) and doc.get("kind") == kind:
            return copy.deepcopy(doc)
    raise LookupError(f"{path}: no {kind}")


def run_name(prefix: str, run_id: str) -> str:
    """A Job name unique per DAG run: ``prefix-<run id, sanitised>``, at most 63 characters.

    :param prefix: e.g. ``movie-catalog``
    :param run_id: the Airflow run id, e.g. ``scheduled__2026-12-04T19:00:00+00:00``
    :return: e.g. ``movie-catalog-scheduled-2026-12-04t19-00-00-00-00``
    """
    suffix = _NAME_CHARS.sub("-", run_id.lower()).strip("-")
    return f"{prefix}-{suffix}"[:63].rstrip("-")


def retag(image: str, tag: str) -> str:
    """``cinestream/spark-jobs:latest`` -> ``cinestream/spark-jobs:TAG``; other images unchanged."""
    if not image.startswith("cinestream/"):
        return image
    return image.rsplit(":", 1)[0] + ":" + tag


def _place(resource: dict[str, Any], config: ClusterConfig, name: str | None = None) -> dict[str, Any]:
    meta = resource.setdefault("metadata", {})
    if name:
        meta["name"] = name
    meta["namespace"] = config.namespace
    meta.setdefault("labels", {})["app.kubernetes.io/part-of"] = "cinestream"
    meta["labels"]["app.kubernetes.io/managed-by"] = "airflow"
    for container in _containers(resource):
        container["image"] = retag(container["image"], config.image_tag)
        for env in container.get("env") or []:
            if env.get("name") == "SPARK_IMAGE":
                env["value"] = container["image"]
    if resource.get("kind") == "FlinkDeployment":
        resource["spec"]["image"] = retag(resource["spec"]["image"], config.image_tag)
    return resource


def _containers(resource: dict[str, Any]) -> list[dict[str, Any]]:
    spec = resource.get("spec") or {}
    pod = (spec.get("template") or spec.get("podTemplate") or {}).get("spec") or {}
    return [c for c in pod.get("containers") or [] if "image" in c]


def _spark_submit(job: dict[str, Any], name: str, main_class: str | None, app_args: list[str]) -> None:
    """Rewrites a ``spark-submit`` container command: the application name, the executors' name
    prefix, optionally the main class, and every argument after the application jar."""
    container = _containers(job)[0]
    command = container["command"]
    jar = next(i for i, a in enumerate(command) if a.endswith(".jar") and not a.startswith("-"))
    head = []
    for arg in command[:jar]:
        if arg.startswith("--name="):
            arg = f"--name={name}"
        elif arg.startswith("--conf=spark.kubernetes.executor.podNamePrefix="):
            # Spark allows at most 47 characters (executor pod names add ``-exec-N``).
            arg = "--conf=spark.kubernetes.executor.podNamePrefix=" + name[:47].rstrip("-")
        elif main_class and arg.startswith("--class="):
            arg = f"--class={main_class}"
        head.append(arg)
    container["command"] = [*head, command[jar], *app_args]


def spark_uri(uri: str) -> str:
    """An object-store URI as Spark's Hadoop file systems name it (``s3://`` -> ``s3a://``)."""
    return "s3a://" + uri[len("s3://") :] if uri.startswith("s3://") else uri


def catalog_job(config: ClusterConfig, run_id: str, input_uri: str) -> dict[str, Any]:
    """The catalogue Job (``k8s/base/spark/catalog-job.yaml``) for one delivery.

    :param config: the settings
    :param run_id: the DAG run id (makes the Job name unique)
    :param input_uri: the delivery on object storage, e.g. ``s3://cinestream-state/incoming/Movies.txt``
    :return: a ``batch/v1`` Job; its driver prints the data-quality summary to its log
    """
    job = _place(load_manifest(config, CATALOG_MANIFEST, "Job"), config, run_name("movie-catalog", run_id))
    container = _containers(job)[0]
    jar = next(i for i, a in enumerate(container["command"]) if a.endswith(".jar") and not a.startswith("-"))
    args = [a for a in container["command"][jar + 1 :] if not a.startswith("--input=")]
    _spark_submit(job, job["metadata"]["name"], None, [f"--input={spark_uri(input_uri)}", *args])
    _label_pods(job, "movie-catalog")
    return job


def spark_metrics_job(config: ClusterConfig, run_id: str) -> dict[str, Any]:
    """The Spark comparison metrics as a Job: the catalogue Job's manifest (same image, driver and
    executor settings) with ``MetricsSparkJob`` and its arguments, one available-now run
    (``--once``) resuming from its checkpoint on object storage.

    :param config: the settings
    :param run_id: the DAG run id
    :return: a ``batch/v1`` Job
    """
    job = _place(load_manifest(config, CATALOG_MANIFEST, "Job"), config, run_name("spark-metrics", run_id))
    args = [
        "--bootstrap=$(KAFKA_BOOTSTRAP)",
        "--registry=$(SCHEMA_REGISTRY_URL)",
        "--jdbc-url=$(WAREHOUSE_JDBC_URL)",
        "--checkpoint-dir=$(CHECKPOINT_ROOT)/spark-metrics",
        "--once",
    ]
    _spark_submit(job, job["metadata"]["name"], SPARK_METRICS_MAIN, args)
    _label_pods(job, "spark-metrics")
    return job


def _label_pods(job: dict[str, Any], name: str) -> None:
    job["spec"]["template"]["metadata"]["labels"]["app.kubernetes.io/name"] = name


def raw_loader(config: ClusterConfig) -> dict[str, Any]:
    """The streaming raw loader's Deployment (``k8s/base/spark/raw-loader.yaml``), kept running."""
    return _place(load_manifest(config, RAW_LOADER_MANIFEST, "Deployment"), config)


def flink_deployment(config: ClusterConfig, job: str) -> dict[str, Any]:
    """One metric job's FlinkDeployment (``k8s/base/flink/<job>.yaml``).

    :param job: one of :data:`FLINK_JOBS`
    :raises ValueError: on another name
    """
    if job not in FLINK_JOBS:
        raise ValueError(f"unknown Flink job {job!r}: expected one of {FLINK_JOBS}")
    return _place(load_manifest(config, f"base/flink/{job}.yaml", "FlinkDeployment"), config)


def verify_job(config: ClusterConfig, run_id: str) -> dict[str, Any]:
    """The verifier's Job (``k8s/airflow/tasks/verify-job.yaml``)."""
    return _place(load_manifest(config, VERIFY_MANIFEST, "Job"), config, run_name("verify", run_id))


def dbt_job(config: ClusterConfig, run_id: str, dbt_args: list[str]) -> dict[str, Any]:
    """The ``dbt build`` Job (``k8s/airflow/tasks/dbt-job.yaml``).

    :param dbt_args: ``["dbt", "build"]`` or ``["dbt", "build", "--full-refresh"]``
        (:func:`cinestream.segmentation.dbt_build_args`)
    """
    job = _place(load_manifest(config, DBT_MANIFEST, "Job"), config, run_name("dbt-build", run_id))
    if "--full-refresh" in dbt_args:
        _containers(job)[0]["command"].append("--full-refresh")
    return job


def every_task_resource(config: ClusterConfig, run_id: str, input_uri: str) -> dict[str, dict[str, Any]]:
    """Every resource the two DAGs' tasks create with the ``kubernetes`` runner, by task.

    :return: ``{"movie_catalog.run_catalog_job": Job, "segmentation_pipeline.ensure_raw_loader":
        Deployment, "segmentation_pipeline.ensure_flink_jobs/<job>": FlinkDeployment, ...}``
    """
    resources = {
        "movie_catalog.run_catalog_job": catalog_job(config, run_id, input_uri),
        "segmentation_pipeline.ensure_raw_loader": raw_loader(config),
        "segmentation_pipeline.run_spark_metrics": spark_metrics_job(config, run_id),
        "segmentation_pipeline.verify_parity": verify_job(config, run_id),
        "segmentation_pipeline.dbt_build": dbt_job(config, run_id, ["dbt", "build"]),
        "segmentation_pipeline.dbt_build/full-refresh": dbt_job(config, run_id, ["dbt", "build", "--full-refresh"]),
    }
    for job in FLINK_JOBS:
        resources[f"segmentation_pipeline.ensure_flink_jobs/{job}"] = flink_deployment(config, job)
    return resources
