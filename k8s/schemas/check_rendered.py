"""Checks on rendered manifests that no JSON schema can express (run by k8s/validate.sh).

- No ``Secret`` is rendered: Secrets are created out of band and only referenced by name.
- No container environment variable whose name looks like a credential has a literal ``value``.
- No credential inside a URL or a command line: no container ``args``/``command``, env ``value``,
  ConfigMap value or FlinkDeployment ``job.args`` holds a password URL parameter (``password``,
  ``pwd``, ``passcode``, ``private_key_file_pwd``) or credentials before ``@host`` (the jobs read
  credentials from the environment, filled from Secrets).
- Every FlinkDeployment follows STYLE.md: ``upgradeMode: savepoint``, checkpoint, savepoint and
  HA directories set, explicit JobManager/TaskManager resources, and the job's ``--parallelism``
  argument equal to ``spec.job.parallelism`` (the job sets its parallelism from the argument, so
  a mismatch would silently ignore a scaling change).
- Hardening (issue 23): every pod we define (Deployment, Job, Pod, FlinkDeployment podTemplate)
  runs as non-root with a seccomp profile, and each of its containers has a read-only root
  filesystem, no privilege escalation, every capability dropped, and (except in a FlinkDeployment,
  whose operator sets them from ``spec.*.resource``) memory and CPU limits; no hostNetwork, hostPID
  or hostPort; Services are ClusterIP only (UIs stay inside the cluster); FlinkDeployments expose
  their REST service as ClusterIP; the Kafka cluster's containers are hardened through Strimzi's
  templates; each file holds a ``default-deny`` NetworkPolicy (all pods, ingress and egress).
- Every ``kube-score/ignore`` annotation comes with a ``cinestream.io/kube-score-ignore-reason``.

Prints one line per problem (``FILE: KIND NAME: problem``) and exits 1 if there is any.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

CREDENTIAL = re.compile(r"PASSWORD|SECRET|TOKEN|PRIVATE_KEY|ACCESS_KEY", re.IGNORECASE)
INLINE_CREDENTIAL = re.compile(
    r"[?&;](password|pwd|private_key_file_pwd|passcode)=|://[^/\s:@]+:[^/\s@]+@", re.IGNORECASE
)
FLINK_DIRS = (
    "execution.checkpointing.dir",
    "execution.checkpointing.savepoint-dir",
    "high-availability.storageDir",
)


def containers(node: Any) -> Iterator[dict[str, Any]]:
    """Yield every container-like mapping (anything under a ``containers`` list)."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("containers", "initContainers") and isinstance(value, list):
                yield from (c for c in value if isinstance(c, dict))
            yield from containers(value)
    elif isinstance(node, list):
        for item in node:
            yield from containers(item)


POD_KINDS = ("Deployment", "Job", "Pod", "StatefulSet", "DaemonSet")


def pod_spec(doc: dict[str, Any]) -> dict[str, Any] | None:
    """The pod spec of a workload: ``spec`` of a Pod, ``spec.template.spec`` of a controller,
    ``spec.podTemplate.spec`` of a FlinkDeployment; None for other kinds."""
    kind, spec = doc.get("kind"), doc.get("spec") or {}
    if kind == "Pod":
        return spec
    if kind in POD_KINDS:
        return (spec.get("template") or {}).get("spec") or {}
    if kind == "FlinkDeployment":
        return (spec.get("podTemplate") or {}).get("spec") or {}
    return None


def container_hardening(container: dict[str, Any], pod_non_root: bool) -> Iterator[str]:
    """Yield what a container lacks of the hardened security context."""
    name = container.get("name")
    sc = container.get("securityContext") or {}
    if sc.get("readOnlyRootFilesystem") is not True:
        yield f"container {name}: securityContext.readOnlyRootFilesystem must be true"
    if sc.get("allowPrivilegeEscalation") is not False:
        yield f"container {name}: securityContext.allowPrivilegeEscalation must be false"
    if sc.get("privileged"):
        yield f"container {name}: must not be privileged"
    if "ALL" not in ((sc.get("capabilities") or {}).get("drop") or []):
        yield f"container {name}: securityContext.capabilities.drop must contain ALL"
    if not (sc.get("runAsNonRoot") or pod_non_root):
        yield f"container {name}: runAsNonRoot must be true (container or pod)"
    for port in container.get("ports") or []:
        if "hostPort" in port:
            yield f"container {name}: hostPort {port['hostPort']} exposes the pod on its node"


def hardening(doc: dict[str, Any]) -> Iterator[str]:
    """Yield the hardening problems of one rendered resource (issue 23)."""
    kind, spec = doc.get("kind"), doc.get("spec") or {}
    pod = pod_spec(doc)
    if pod is not None:
        psc = pod.get("securityContext") or {}
        if not psc.get("seccompProfile"):
            yield "pod securityContext.seccompProfile is not set"
        for key in ("hostNetwork", "hostPID", "hostIPC"):
            if pod.get(key):
                yield f"pod {key} must not be set"
        for container in [*(pod.get("containers") or []), *(pod.get("initContainers") or [])]:
            yield from container_hardening(container, bool(psc.get("runAsNonRoot")))
            limits = (container.get("resources") or {}).get("limits") or {}
            if kind != "FlinkDeployment" and kind != "Pod" and not ("memory" in limits and "cpu" in limits):
                yield f"container {container.get('name')}: resources.limits needs cpu and memory"
    if kind == "Service" and spec.get("type", "ClusterIP") != "ClusterIP":
        yield f"Service type {spec.get('type')}: only ClusterIP (UIs and APIs stay inside the cluster)"
    if kind == "FlinkDeployment":
        exposed = (spec.get("flinkConfiguration") or {}).get("kubernetes.rest-service.exposed.type")
        if exposed != "ClusterIP":
            yield "flinkConfiguration.kubernetes.rest-service.exposed.type must be ClusterIP"
    if kind == "Kafka":
        template = (spec.get("kafka") or {}).get("template") or {}
        sc = (template.get("kafkaContainer") or {}).get("securityContext")
        if not sc:
            yield "spec.kafka.template.kafkaContainer.securityContext is not set"
        else:
            yield from container_hardening({"name": "kafka", "securityContext": sc}, False)
        listeners = (spec.get("kafka") or {}).get("listeners") or []
        if not any(listener.get("tls") for listener in listeners):
            yield "no TLS listener"
        for listener in listeners:
            if listener.get("type") not in ("internal", "cluster-ip"):
                yield f"listener {listener.get('name')}: type {listener.get('type')} exposes Kafka outside the cluster"
    annotations = (doc.get("metadata") or {}).get("annotations") or {}
    if "kube-score/ignore" in annotations and not annotations.get("cinestream.io/kube-score-ignore-reason"):
        yield "kube-score/ignore without a cinestream.io/kube-score-ignore-reason annotation"


def has_default_deny(docs: list[dict[str, Any]]) -> bool:
    """Whether the resources hold a NetworkPolicy selecting every pod and allowing nothing."""
    for doc in docs:
        spec = doc.get("spec") or {}
        if (
            doc.get("kind") == "NetworkPolicy"
            and spec.get("podSelector") == {}
            and set(spec.get("policyTypes") or []) == {"Ingress", "Egress"}
            and not spec.get("ingress")
            and not spec.get("egress")
        ):
            return True
    return False


def problems(doc: dict[str, Any]) -> Iterator[str]:
    """Yield the problems of one rendered resource."""
    kind = doc.get("kind")
    yield from hardening(doc)
    if kind == "Secret":
        yield "Secrets must not be rendered (reference them by name; see secret.example.yaml)"
    if kind == "ConfigMap":
        for key, value in (doc.get("data") or {}).items():
            if INLINE_CREDENTIAL.search(str(value)):
                yield f"data.{key} holds a credential: put it in a Secret"
    for container in containers(doc):
        for env in container.get("env") or []:
            if CREDENTIAL.search(env.get("name", "")) and "value" in env:
                yield f"env {env['name']} has a literal value: use secretKeyRef"
            if INLINE_CREDENTIAL.search(str(env.get("value", ""))):
                yield f"env {env['name']} holds a credential in its value: use a Secret"
        for arg in [*(container.get("command") or []), *(container.get("args") or [])]:
            if INLINE_CREDENTIAL.search(str(arg)):
                yield "a container argument holds a credential: pass it through a Secret"
    if kind == "FlinkDeployment":
        spec = doc.get("spec", {})
        job = spec.get("job", {})
        if job.get("upgradeMode") != "savepoint":
            yield "spec.job.upgradeMode must be savepoint"
        config = spec.get("flinkConfiguration") or {}
        for key in FLINK_DIRS:
            if not config.get(key):
                yield f"flinkConfiguration.{key} is not set"
        for part in ("jobManager", "taskManager"):
            if not (spec.get(part) or {}).get("resource"):
                yield f"spec.{part}.resource is not set"
        args = [str(a) for a in job.get("args") or []]
        if any(INLINE_CREDENTIAL.search(a) for a in args):
            yield "spec.job.args holds a credential: pass it through a Secret"
        if "--parallelism" in args:
            index = args.index("--parallelism") + 1
            given = args[index] if index < len(args) else None
            if given != str(job.get("parallelism")):
                yield (
                    f"--parallelism {given} differs from spec.job.parallelism "
                    f"{job.get('parallelism')}"
                )


def main() -> None:
    """Check every file named on the command line. ``--workloads-only`` first: the files hold
    workloads to be started in a namespace of the rendered overlays (the Airflow runner's), whose
    default-deny NetworkPolicy is not in them, so that check is skipped."""
    args = sys.argv[1:]
    workloads_only = bool(args) and args[0] == "--workloads-only"
    failed = 0
    for name in args[1:] if workloads_only else args:
        path = Path(name)
        docs = [d for d in yaml.safe_load_all(path.read_text()) if isinstance(d, dict)]
        if not workloads_only and any(d.get("kind") in POD_KINDS[:2] for d in docs) and not has_default_deny(docs):
            failed += 1
            print(f"{path}: no default-deny NetworkPolicy (podSelector {{}}, Ingress and Egress, no rules)")
        for doc in docs:
            for problem in problems(doc):
                failed += 1
                meta = doc.get("metadata", {})
                print(f"{path}: {doc.get('kind')} {meta.get('name')}: {problem}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
