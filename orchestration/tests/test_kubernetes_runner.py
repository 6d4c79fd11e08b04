"""The ``kubernetes`` runner: the same DAGs parse with it (without the ops package), and every
resource its tasks create, built from the manifests of ``k8s/``, passes the k8s validation
(``k8s/validate.sh --files``: kubeconform strict against the Kubernetes and CRD schemas,
check_rendered.py, kube-score). No cluster is needed (none is available here)."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml
from airflow.dag_processing.dagbag import DagBag

from cinestream import catalog_store, k8s_resources
from cinestream.catalog_file import InvalidCatalogFile
from cinestream.k8s_resources import ClusterConfig
from cinestream.runners import runner_name
from conftest import DAGS_FOLDER, PROJECT_ROOT

RUN_ID = "scheduled__2026-12-04T19:00:00+00:00"
INPUT = "s3://cinestream-state/incoming/Movies.txt"


@pytest.fixture(scope="module")
def config() -> ClusterConfig:
    return ClusterConfig.from_env({"CINESTREAM_K8S_MANIFESTS": str(PROJECT_ROOT / "k8s")})


@pytest.fixture(scope="module")
def resources(config) -> dict[str, dict]:
    return k8s_resources.every_task_resource(config, RUN_ID, INPUT)


def test_the_runner_comes_from_the_configuration():
    assert runner_name({}) == "local"
    assert runner_name({"CINESTREAM_RUNNER": "Kubernetes"}) == "kubernetes"
    with pytest.raises(ValueError, match="CINESTREAM_RUNNER='pods'"):
        runner_name({"CINESTREAM_RUNNER": "pods"})


def test_the_same_dags_parse_with_the_kubernetes_runner_without_the_ops_package(monkeypatch):
    monkeypatch.setenv("CINESTREAM_RUNNER", "kubernetes")
    before = set(sys.modules)
    bag = DagBag(dag_folder=str(DAGS_FOLDER))
    assert bag.import_errors == {}
    assert [t.task_id for t in bag.dags["movie_catalog"].topological_sort()] == [
        "wait_for_file",
        "validate_file",
        "run_catalog_job",
        "check_data_quality",
        "archive_file",
        "publish_catalog",
    ]
    assert {t.task_id for t in bag.dags["segmentation_pipeline"].tasks} == {
        "ensure_raw_loader",
        "ensure_flink_jobs",
        "run_spark_metrics",
        "verify_parity",
        "dbt_build",
    }
    sensor = bag.dags["movie_catalog"].get_task("wait_for_file")
    assert sensor.mode == "reschedule" and sensor.soft_fail is True and sensor.poke_interval == 60
    assert not hasattr(sensor, "fs_conn_id")  # the object-storage sensor, not the FileSensor
    for dag in bag.dags.values():
        for task in dag.tasks:
            assert task.on_failure_callback and task.execution_timeout, task.task_id
    parsed = set(sys.modules) - before
    assert not [m for m in parsed if m.startswith("cinestream_ops") or m == "kubernetes"], parsed


def test_every_task_resource_comes_from_the_k8s_manifests_with_run_specific_patches(resources):
    catalog = resources["movie_catalog.run_catalog_job"]
    assert catalog["kind"] == "Job" and catalog["metadata"]["namespace"] == "cinestream"
    assert catalog["metadata"]["name"] == "movie-catalog-scheduled-2026-12-04t19-00-00-00-00"
    command = catalog["spec"]["template"]["spec"]["containers"][0]["command"]
    assert command[0] == "/opt/spark/bin/spark-submit"
    assert "--class=io.cinestream.spark.catalog.MovieCatalogJob" in command
    assert "--input=s3a://cinestream-state/incoming/Movies.txt" in command
    assert [a for a in command if a.startswith("--input=")] == ["--input=s3a://cinestream-state/incoming/Movies.txt"]
    assert "--name=movie-catalog-scheduled-2026-12-04t19-00-00-00-00" in command
    image = catalog["spec"]["template"]["spec"]["containers"][0]["image"]
    assert image == "cinestream/spark-jobs:0.1.0"
    env = {e["name"]: e.get("value") for e in catalog["spec"]["template"]["spec"]["containers"][0]["env"]}
    assert env["SPARK_IMAGE"] == image

    metrics = resources["segmentation_pipeline.run_spark_metrics"]
    command = metrics["spec"]["template"]["spec"]["containers"][0]["command"]
    assert "--class=io.cinestream.spark.metrics.MetricsSparkJob" in command
    jar = command.index("/opt/cinestream/spark-jobs.jar")
    assert command[jar + 1 :] == [
        "--bootstrap=$(KAFKA_BOOTSTRAP)",
        "--registry=$(SCHEMA_REGISTRY_URL)",
        "--jdbc-url=$(WAREHOUSE_JDBC_URL)",
        "--checkpoint-dir=$(CHECKPOINT_ROOT)/spark-metrics",
        "--once",
    ]
    prefix = next(a for a in command if "podNamePrefix=" in a).split("=", 2)[2]
    assert len(prefix) <= 47 and prefix.startswith("spark-metrics-")

    flink = {k.rsplit("/", 1)[1]: v for k, v in resources.items() if "ensure_flink_jobs/" in k}
    assert set(flink) == {"registration-metrics", "session-metrics", "movie-sales"}
    assert {f["spec"]["image"] for f in flink.values()} == {"cinestream/flink-jobs:0.1.0"}
    assert [f["spec"]["job"]["parallelism"] for f in flink.values()] == [4, 6, 6]

    dbt = resources["segmentation_pipeline.dbt_build"]["spec"]["template"]["spec"]["containers"][0]["command"]
    full = resources["segmentation_pipeline.dbt_build/full-refresh"]["spec"]["template"]["spec"]["containers"][0]
    assert "--full-refresh" not in dbt and full["command"][-1] == "--full-refresh"
    assert resources["segmentation_pipeline.ensure_raw_loader"]["kind"] == "Deployment"


def test_every_task_resource_passes_the_k8s_validation(resources, tmp_path):
    rendered = tmp_path / "airflow-kubernetes-tasks.yaml"
    rendered.write_text(yaml.safe_dump_all(list(resources.values()), sort_keys=False), encoding="utf-8")
    result = subprocess.run(
        [str(PROJECT_ROOT / "k8s/validate.sh"), "--files", str(rendered)],
        capture_output=True,
        text=True,
        env={**os.environ},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"k8s: {len(resources)} passed, 0 failed" in result.stdout, result.stdout


def test_the_validation_rejects_a_broken_task_resource(resources, tmp_path):
    job = resources["segmentation_pipeline.verify_parity"]
    broken = yaml.safe_load(yaml.safe_dump(job))
    broken["spec"]["template"]["spec"]["containers"][0]["securityContext"]["readOnlyRootFilesystem"] = False
    broken["spec"]["backofLimit"] = 0
    rendered = tmp_path / "broken.yaml"
    rendered.write_text(yaml.safe_dump(broken), encoding="utf-8")
    result = subprocess.run(
        [str(PROJECT_ROOT / "k8s/validate.sh"), "--files", str(rendered)], capture_output=True, text=True
    )
    assert result.returncode != 0
    assert "'backofLimit' not allowed" in result.stderr
    assert "readOnlyRootFilesystem must be true" in result.stderr


def test_deliveries_on_object_storage_follow_the_local_rules(tmp_path):
    incoming = tmp_path / "incoming"
    incoming.mkdir()
    (incoming / ".upload.part").write_text("half")
    first, second = incoming / "a.txt", incoming / "b.txt"
    first.write_bytes(b"ITEM 1\r\nTitle=One\r\n")
    second.write_bytes(b"\x00\x01")
    os.utime(first, (1_000, 1_000))
    os.utime(second, (2_000, 2_000))
    assert catalog_store.oldest_delivery(f"file://{incoming}") == f"file://{first}"
    assert catalog_store.oldest_delivery(f"file://{tmp_path}/missing") is None
    assert catalog_store.exists(f"file://{first}") and not catalog_store.exists(f"file://{tmp_path}/nope.txt")

    scratch = tmp_path / "scratch"
    scratch.mkdir()
    checked = catalog_store.validate_delivery(f"file://{first}", 1 << 20, scratch)
    assert (checked.records, checked.size_bytes) == (1, 19)
    with pytest.raises(InvalidCatalogFile, match="NUL"):
        catalog_store.validate_delivery(f"file://{second}", 1 << 20, scratch)

    now = datetime(2026, 12, 4, 19, 30, tzinfo=UTC)
    moved = catalog_store.move_delivery(f"file://{second}", f"file://{tmp_path}/rejected", "NUL bytes", now)
    assert moved == f"file://{tmp_path}/rejected/20261204T193000Z-b.txt"
    assert not second.exists()
    assert (tmp_path / "rejected/20261204T193000Z-b.txt.reason").read_text() == "NUL bytes\n"
    kept = catalog_store.move_delivery(f"file://{first}", f"file://{tmp_path}/archive", now=now, keep_source=True)
    assert Path(kept.removeprefix("file://")).read_bytes() == first.read_bytes() and first.exists()
