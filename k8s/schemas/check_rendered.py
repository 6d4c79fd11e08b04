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


def problems(doc: dict[str, Any]) -> Iterator[str]:
    """Yield the problems of one rendered resource."""
    kind = doc.get("kind")
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
    """Check every file named on the command line."""
    failed = 0
    for name in sys.argv[1:]:
        path = Path(name)
        for doc in yaml.safe_load_all(path.read_text()):
            if not isinstance(doc, dict):
                continue
            for problem in problems(doc):
                failed += 1
                meta = doc.get("metadata", {})
                print(f"{path}: {doc.get('kind')} {meta.get('name')}: {problem}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
