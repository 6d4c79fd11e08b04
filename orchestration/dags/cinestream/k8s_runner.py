"""The ``kubernetes`` runner: creates the resources of :mod:`cinestream.k8s_resources` in the cluster
and watches them, through the cncf.kubernetes provider's ``KubernetesHook``.

The connection is ``kubernetes_default`` (in the cluster: ``AIRFLOW_CONN_KUBERNETES_DEFAULT`` with
``in_cluster: true``, set in ``k8s/airflow/values.yaml``; the workers' service account needs the
Role of ``k8s/airflow/rbac.yaml``). Imported only inside tasks run with that runner.
"""

from __future__ import annotations

import logging
import time
from typing import Any

log = logging.getLogger(__name__)

CONN_ID = "kubernetes_default"
FLINK_GROUP, FLINK_VERSION, FLINK_PLURAL = "flink.apache.org", "v1beta1", "flinkdeployments"


class WorkloadFailed(RuntimeError):
    """A Job that failed, or a FlinkDeployment whose job failed; ``str()`` names it and the cause."""


def _api() -> Any:
    from airflow.providers.cncf.kubernetes.hooks.kubernetes import KubernetesHook

    return KubernetesHook(conn_id=CONN_ID).get_conn()


def _status(e: Exception) -> int | None:
    return getattr(e, "status", None)


def run_job(job: dict[str, Any], timeout_s: float, poll_s: float = 10) -> str:
    """Creates a Job and waits for it to finish; returns its pods' logs.

    A Job of the same name left by an earlier try is watched if it still runs or succeeded, and
    replaced if it failed (a retry must run again). Interrupted (the task's execution timeout), the
    Job is deleted with its pods before the exception propagates.

    :param job: a ``batch/v1`` Job (``metadata.name`` and ``namespace`` set)
    :param timeout_s: how long to wait, seconds
    :param poll_s: seconds between status reads
    :return: the logs of the Job's pods (oldest first)
    :raises WorkloadFailed: when the Job fails (it is kept, with its pods' logs, until its TTL)
    :raises TimeoutError: when it does not finish in time (it is deleted)
    """
    from kubernetes import client
    from kubernetes.client.rest import ApiException

    api = _api()
    batch, core = client.BatchV1Api(api), client.CoreV1Api(api)
    name, ns = job["metadata"]["name"], job["metadata"]["namespace"]
    try:
        batch.create_namespaced_job(ns, job)
        log.info("created Job %s/%s", ns, name)
    except ApiException as e:
        if _status(e) != 409:
            raise
        existing = batch.read_namespaced_job_status(name, ns)
        if existing.status.failed and not existing.status.active:
            log.info("Job %s/%s failed in an earlier try: replacing it", ns, name)
            batch.delete_namespaced_job(name, ns, propagation_policy="Foreground")
            _wait_deleted(lambda: batch.read_namespaced_job(name, ns), timeout_s)
            batch.create_namespaced_job(ns, job)
    deadline = time.monotonic() + timeout_s
    try:
        while True:
            status = batch.read_namespaced_job_status(name, ns).status
            conditions = {c.type: c for c in status.conditions or [] if c.status == "True"}
            if "Complete" in conditions:
                return _logs(core, ns, name)
            if "Failed" in conditions:
                logs = _logs(core, ns, name)
                raise WorkloadFailed(f"Job {ns}/{name} failed: {conditions['Failed'].message}\n{logs[-3000:]}")
            if time.monotonic() > deadline:
                raise TimeoutError(f"Job {ns}/{name} did not finish within {timeout_s:.0f} s")
            time.sleep(poll_s)
    except WorkloadFailed:
        raise  # kept for its logs until ttlSecondsAfterFinished
    except BaseException:
        # A timeout or a kill of the task: stop the Job's pods too (as run_pipeline stops its process group).
        log.warning("deleting Job %s/%s", ns, name)
        batch.delete_namespaced_job(name, ns, propagation_policy="Background")
        raise


def _wait_deleted(read, timeout_s: float) -> None:
    from kubernetes.client.rest import ApiException

    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            read()
        except ApiException as e:
            if _status(e) == 404:
                return
            raise
        time.sleep(2)
    raise WorkloadFailed("an earlier Job was not deleted in time")


def _logs(core: Any, ns: str, job_name: str) -> str:
    pods = core.list_namespaced_pod(ns, label_selector=f"job-name={job_name}").items
    pods.sort(key=lambda p: p.metadata.creation_timestamp)
    return "\n".join(core.read_namespaced_pod_log(p.metadata.name, ns) or "" for p in pods)


def ensure_deployment(deployment: dict[str, Any], timeout_s: float, poll_s: float = 10) -> str:
    """Creates the Deployment, or patches it to the manifest; waits for a ready replica.

    :return: ``created``/``updated`` and the ready replica count
    :raises WorkloadFailed: when no replica is ready in time
    """
    from kubernetes import client
    from kubernetes.client.rest import ApiException

    apps = client.AppsV1Api(_api())
    name, ns = deployment["metadata"]["name"], deployment["metadata"]["namespace"]
    try:
        apps.read_namespaced_deployment(name, ns)
        apps.patch_namespaced_deployment(name, ns, deployment)
        action = "updated"
    except ApiException as e:
        if _status(e) != 404:
            raise
        apps.create_namespaced_deployment(ns, deployment)
        action = "created"
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        ready = apps.read_namespaced_deployment_status(name, ns).status.ready_replicas or 0
        if ready >= 1:
            return f"{action}, {ready} ready"
        time.sleep(poll_s)
    raise WorkloadFailed(f"Deployment {ns}/{name}: no ready replica within {timeout_s:.0f} s")


def apply_flink_deployment(resource: dict[str, Any], timeout_s: float, poll_s: float = 10) -> str:
    """Creates the FlinkDeployment, or merges the manifest into it (a changed spec makes the Flink
    operator upgrade the job through a savepoint; an unchanged one changes nothing), then waits
    until the operator reports the job RUNNING.

    :return: e.g. ``created, job RUNNING``
    :raises WorkloadFailed: when the job is FAILED, or not RUNNING in time (names the operator's error)
    """
    from kubernetes import client
    from kubernetes.client.rest import ApiException

    custom = client.CustomObjectsApi(_api())
    name, ns = resource["metadata"]["name"], resource["metadata"]["namespace"]
    args = (FLINK_GROUP, FLINK_VERSION, ns, FLINK_PLURAL)
    try:
        custom.get_namespaced_custom_object(*args, name)
        custom.patch_namespaced_custom_object(*args, name, resource)
        action = "updated"
    except ApiException as e:
        if _status(e) != 404:
            raise
        custom.create_namespaced_custom_object(*args, resource)
        action = "created"
    deadline = time.monotonic() + timeout_s
    while True:
        status = custom.get_namespaced_custom_object(*args, name).get("status") or {}
        state = (status.get("jobStatus") or {}).get("state")
        if state == "RUNNING":
            return f"{action}, job RUNNING"
        if state == "FAILED":
            raise WorkloadFailed(f"FlinkDeployment {ns}/{name}: job FAILED: {status.get('error')}")
        if time.monotonic() > deadline:
            state, error = state or "not started", status.get("error")
            raise WorkloadFailed(f"FlinkDeployment {ns}/{name}: job {state} after {timeout_s:.0f} s: {error}")
        time.sleep(poll_s)
