"""movie_catalog: ingest a movie catalogue delivery (docs/operations.md#the-movie-catalogue) when it lands.

``wait_for_file >> validate_file >> run_catalog_job >> check_data_quality >> archive_file >> publish_catalog``
"""

from __future__ import annotations

import tempfile
from datetime import timedelta
from pathlib import Path

from airflow.providers.standard.sensors.filesystem import FileSensor
from airflow.sdk import Asset, Param, PokeReturnValue, dag, get_current_context, task
from airflow.sdk.exceptions import AirflowFailException, AirflowSkipException

from cinestream.callbacks import log_task_failure
from cinestream.catalog_file import (
    InvalidCatalogFile,
    archive_catalog_file,
    oldest_incoming,
    reject_catalog_file,
    validate_catalog_file,
)
from cinestream.config import Settings, catalog_dq_overrides, catalog_max_bytes, default_incoming_dir
from cinestream.pipeline_cli import run_pipeline
from cinestream.quality import check_quality, parse_summary, read_summary_json
from cinestream.runners import runner_name

#: ``local`` or ``kubernetes`` (``CINESTREAM_RUNNER``, see :mod:`cinestream.runners`).
RUNNER = runner_name()

#: What a successful run updates: the compacted topic and the warehouse table (upserts on item_id).
CATALOG_TOPIC = Asset(name="movies_catalog_enriched", uri="cinestream://kafka/movies_catalog_enriched")
CATALOG_TABLE = Asset(name="movies_catalog", uri="cinestream://warehouse/public/movies_catalog")

DOC = """
### movie_catalog

Ingests one catalogue delivery (`Movies.txt` format, cp1252) per run. The runner
(`CINESTREAM_RUNNER`): `local` calls `./pipeline`; `kubernetes` watches an object-storage folder
(`CINESTREAM_INCOMING_URI`) and runs the catalogue Job of `k8s/base/spark/catalog-job.yaml`.

1. **wait_for_file**: a `FileSensor` in *reschedule* mode (frees its worker slot between pokes)
   waits for a file in the incoming folder (`$CINESTREAM_HOME/incoming`, Variable
   `cinestream_incoming_dir`), or checks that the file given in the `file` param exists. The daily
   run waits up to 23 h and is skipped when nothing arrives. Upload as `.name.part`, then rename.
2. **validate_file**: size, strict cp1252 decoding, `ITEM` record count; a rejected delivery moves
   to the rejected folder with a `.reason` file and fails the run without retries.
3. **run_catalog_job**: `./pipeline catalog --summary-json TMP FILE` (spark-submit `MovieCatalogJob`).
4. **check_data_quality**: the job's JSON data-quality summary against thresholds (Variable
   `cinestream_catalog_dq`); records read must equal the `ITEM` lines counted in step 2.
5. **archive_file**: moves the delivery to the archive folder (a file given by param is copied).
6. **publish_catalog**: emits the `movies_catalog` and `movies_catalog_enriched` Assets, with the
   figures as the events' extra, for downstream DAGs.
"""

default_args = {
    "owner": "cinestream",
    "retries": 2,
    "retry_delay": timedelta(minutes=5),
    "execution_timeout": timedelta(minutes=10),
    "on_failure_callback": log_task_failure,
}


@dag(
    dag_id="movie_catalog",
    schedule="@daily",
    catchup=False,
    max_active_runs=1,
    default_args=default_args,
    tags=["cinestream", "catalog", "spark"],
    doc_md=DOC,
    params={
        "file": Param(
            None,
            type=["null", "string"],
            description="Catalogue file to ingest; empty: the oldest file of the incoming folder",
        ),
    },
)
def movie_catalog():
    if RUNNER == "kubernetes":

        @task.sensor(
            task_id="wait_for_file",
            mode="reschedule",
            poke_interval=60,
            timeout=timedelta(hours=23).total_seconds(),
            soft_fail=True,
            execution_timeout=timedelta(minutes=2),
        )
        def wait_for_object(params: dict | None = None) -> PokeReturnValue:
            """The same wait as the FileSensor, on the object-storage folder (or the ``file`` param's URI)."""
            from cinestream import catalog_store
            from cinestream.k8s_resources import ClusterConfig

            given = params.get("file") if params else None
            if given:
                return PokeReturnValue(is_done=catalog_store.exists(given))
            return PokeReturnValue(
                is_done=catalog_store.oldest_delivery(ClusterConfig.from_env().incoming_uri) is not None
            )

        wait_for_file = wait_for_object()
    else:
        wait_for_file = FileSensor(
            task_id="wait_for_file",
            fs_conn_id="fs_default",
            filepath=(
                "{{ params.file or (var.value.get('cinestream_incoming_dir', '"
                + str(default_incoming_dir())
                + "') ~ '/*') }}"
            ),
            mode="reschedule",
            poke_interval=60,
            timeout=timedelta(hours=23).total_seconds(),
            soft_fail=True,
            execution_timeout=timedelta(minutes=2),
        )

    @task(retries=0, execution_timeout=timedelta(minutes=5))
    def validate_file(params: dict | None = None) -> dict:
        """Picks the delivery (param ``file``, else the oldest incoming file) and validates it.

        :return: ``{"path": str, "size_bytes": int, "records": int}``
        :raises AirflowFailException: on a rejected file (no retry: the file will not change)
        """
        if runner_name() == "kubernetes":
            from cinestream import k8s_tasks

            try:
                checked = k8s_tasks.validate_delivery(params.get("file") if params else None, catalog_max_bytes())
            except InvalidCatalogFile as e:
                raise AirflowFailException(f"catalogue file rejected: {e}") from e
            if checked is None:
                raise AirflowSkipException("no delivery in the incoming folder")
            print(f"accepted {checked['path']}: {checked['size_bytes']:,} bytes, {checked['records']:,} ITEM records")
            return checked
        settings = Settings.load()
        path = Path(params["file"]) if params and params.get("file") else oldest_incoming(settings.incoming_dir)
        if path is None:
            raise AirflowSkipException(f"no file in {settings.incoming_dir}")
        try:
            checked = validate_catalog_file(path, settings.catalog_max_bytes)
        except InvalidCatalogFile as e:
            moved = reject_catalog_file(e, settings.incoming_dir, settings.rejected_dir)
            where = f"; moved to {moved}" if moved else ""
            raise AirflowFailException(f"catalogue file rejected: {e}{where}") from e
        print(f"accepted {checked.path}: {checked.size_bytes:,} bytes, {checked.records:,} ITEM records")
        return {
            "path": str(checked.path),
            "size_bytes": checked.size_bytes,
            "records": checked.records,
            "sha256": checked.sha256,
        }

    @task(execution_timeout=timedelta(minutes=30))
    def run_catalog_job(checked: dict, run_id: str | None = None) -> str:
        """``./pipeline catalog --summary-json FILE PATH`` (local) or the catalogue Job (kubernetes):
        MovieCatalogJob to Kafka and the warehouse.

        :return: the job's JSON data-quality summary (``CatalogSummary.toJson()``), or with the
            kubernetes runner the Job's log, which holds the printed summary
        """
        if runner_name() == "kubernetes":
            from cinestream import k8s_tasks

            return k8s_tasks.run_catalog_job(checked["path"], run_id or "manual", timedelta(minutes=29).total_seconds())
        settings = Settings.load()
        with tempfile.TemporaryDirectory(prefix="cinestream-catalog-") as tmp:
            summary = Path(tmp) / "summary.json"
            args = ["catalog", "--summary-json", str(summary), checked["path"]]
            run_pipeline(settings.pipeline, args, settings.pipeline_env())
            return summary.read_text(encoding="utf-8")

    @task(retries=0, execution_timeout=timedelta(minutes=2))
    def check_data_quality(output: str, checked: dict) -> dict:
        """Reads the JSON data-quality summary and holds it to the thresholds.

        :return: the summary's figures
        :raises AirflowFailException: naming every broken threshold (no retry: the data would not change)
        """
        quality = read_summary_json(output) if output.lstrip().startswith("{") else parse_summary(output)
        problems = check_quality(quality, checked["records"], catalog_dq_overrides())
        if problems:
            raise AirflowFailException("catalogue data quality below thresholds: " + "; ".join(problems))
        figures = {
            "records_read": quality.records_read,
            "distinct_products": quality.distinct_products,
            "quarantined": quality.quarantined,
            "priced_records": quality.priced_records,
        }
        print(f"data quality passed: {figures}")
        return figures

    @task(execution_timeout=timedelta(minutes=5))
    def archive_file(checked: dict) -> str:
        """Moves the ingested delivery to the archive (copies a file given by param); a re-run finds
        the archived copy (same name and content) and writes nothing.

        :return: the archived path
        """
        if runner_name() == "kubernetes":
            from cinestream import k8s_tasks

            archived = k8s_tasks.archive_delivery(checked["path"])
            print(f"archived {checked['path']} as {archived}")
            return archived
        settings = Settings.load()
        archived = archive_catalog_file(
            Path(checked["path"]), settings.incoming_dir, settings.archive_dir, sha256=checked.get("sha256")
        )
        print(f"archived {checked['path']} as {archived}")
        return str(archived)

    @task(outlets=[CATALOG_TOPIC, CATALOG_TABLE], execution_timeout=timedelta(minutes=2))
    def publish_catalog(figures: dict, archived: str) -> None:
        """Emits the catalogue Asset events, with the run's figures and the archived file as extra."""
        context = get_current_context()
        extra = {**figures, "file": archived}
        for asset in (CATALOG_TOPIC, CATALOG_TABLE):
            context["outlet_events"][asset].extra = extra
        print(f"published {CATALOG_TOPIC.name}, {CATALOG_TABLE.name}: {extra}")

    checked = validate_file()
    output = run_catalog_job(checked)
    figures = check_data_quality(output, checked)
    archived = archive_file(checked)
    figures >> archived
    wait_for_file >> checked
    publish_catalog(figures, archived)


movie_catalog()
