"""segmentation_pipeline: streaming jobs kept running, then Spark metrics, parity check and dbt, hourly.

``ensure_raw_loader >> ensure_flink_jobs >> run_spark_metrics >> verify_parity >> dbt_build``
"""

from __future__ import annotations

from datetime import timedelta

from airflow.sdk import Asset, Param, dag, task

from cinestream import segmentation
from cinestream.callbacks import log_task_failure
from cinestream.config import Settings
from cinestream.pipeline_cli import run_pipeline
from cinestream.runners import runner_name

SEGMENTS = Asset(name="segments_marts", uri="cinestream://warehouse/analytics/marts")

DOC = """
### segmentation_pipeline

Hourly. The runner (`CINESTREAM_RUNNER`) decides how each step runs: `local` calls `./pipeline` on
the local stack (or whatever the Variable `cinestream_conf` points at); `kubernetes` creates the
cluster's resources from the manifests of `k8s/` (the raw loader's Deployment, one FlinkDeployment
per metric job watched until its job runs, Jobs for the Spark metrics, verify and dbt).

1. **ensure_raw_loader**: `./pipeline load --detach` starts the streaming raw loader unless it
   runs (Variable `cinestream_raw_loader_mode=once`: a catch-up `./pipeline load` instead).
2. **ensure_flink_jobs**: the cluster's jobs from the JobManager's REST API (`/jobs/overview`);
   every metric job not running (found by name) is submitted
   with `./pipeline flink run -d`, resumed from its newest retained checkpoint or savepoint.
3. **run_spark_metrics**: `./pipeline metrics --engine spark` (the comparison engine).
4. **verify_parity**: `./pipeline verify --closed-by watermarks`: Flink and Spark against the
   reference on the ticks and windows both engines have closed and the loader has loaded (the
   engines stream on while it runs); a difference exits non-zero and fails the run (no retries: a
   parity difference needs a person). With the kubernetes runner the verify Job compares every
   row (no horizon there yet: docs/operations.md#verify-while-streaming).
5. **dbt_build**: `./pipeline dbt build`; the 00:00 UTC run (or the `full_refresh` param) adds
   `--full-refresh`.
"""

default_args = {
    "owner": "cinestream",
    "retries": 2,
    "retry_delay": timedelta(minutes=5),
    "execution_timeout": timedelta(minutes=20),
    "on_failure_callback": log_task_failure,
}


@dag(
    dag_id="segmentation_pipeline",
    schedule="@hourly",
    catchup=False,
    max_active_runs=1,
    default_args=default_args,
    tags=["cinestream", "flink", "spark", "dbt"],
    doc_md=DOC,
    params={"full_refresh": Param(False, type="boolean", description="dbt build --full-refresh in this run")},
)
def segmentation_pipeline():
    @task(execution_timeout=timedelta(minutes=15))
    def ensure_raw_loader() -> None:
        """Starts the streaming raw loader unless it runs (or runs one catch-up, mode ``once``)."""
        if runner_name() == "kubernetes":
            from cinestream import k8s_tasks

            print(k8s_tasks.ensure_raw_loader(timedelta(minutes=14).total_seconds()))
            return
        settings = Settings.load()
        run_pipeline(settings.pipeline, segmentation.raw_loader_args(settings.raw_loader_mode), settings.pipeline_env())

    @task(execution_timeout=timedelta(minutes=10))
    def ensure_flink_jobs() -> dict:
        """Submits the Flink metric jobs that are not running; returns what it found or did per job."""
        if runner_name() == "kubernetes":
            from cinestream import k8s_tasks

            return k8s_tasks.ensure_flink_jobs(timedelta(minutes=3).total_seconds())
        return segmentation.ensure_flink_jobs(Settings.load())

    @task(execution_timeout=timedelta(minutes=30))
    def run_spark_metrics(run_id: str | None = None) -> None:
        """``./pipeline metrics --engine spark``: the Spark metric queries, reading the event topics from Kafka."""
        if runner_name() == "kubernetes":
            from cinestream import k8s_tasks

            print(k8s_tasks.run_spark_metrics(run_id or "manual", timedelta(minutes=29).total_seconds()))
            return
        settings = Settings.load()
        run_pipeline(settings.pipeline, ["metrics", "--engine", "spark"], settings.pipeline_env())

    @task(retries=0, execution_timeout=timedelta(minutes=15))
    def verify_parity(run_id: str | None = None) -> None:
        """``./pipeline verify --closed-by watermarks``; a non-zero exit (a difference) fails the run."""
        if runner_name() == "kubernetes":
            from cinestream import k8s_tasks

            print(k8s_tasks.verify(run_id or "manual", timedelta(minutes=14).total_seconds()))
            return
        settings = Settings.load()
        run_pipeline(settings.pipeline, segmentation.VERIFY_ARGS, settings.pipeline_env())

    @task(outlets=[SEGMENTS], execution_timeout=timedelta(minutes=30))
    def dbt_build(params: dict | None = None, logical_date=None, run_id: str | None = None) -> list[str]:
        """``./pipeline dbt build``, with ``--full-refresh`` once a day; returns the arguments used."""
        args = segmentation.dbt_build_args(logical_date, bool(params and params.get("full_refresh")))
        if runner_name() == "kubernetes":
            from cinestream import k8s_tasks

            print(k8s_tasks.dbt_build(run_id or "manual", args, timedelta(minutes=29).total_seconds()))
            return args
        settings = Settings.load()
        run_pipeline(settings.pipeline, args, settings.pipeline_env())
        return args

    ensure_raw_loader() >> ensure_flink_jobs() >> run_spark_metrics() >> verify_parity() >> dbt_build()


segmentation_pipeline()
