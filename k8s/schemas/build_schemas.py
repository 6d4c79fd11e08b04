"""Build the JSON schemas that kubeconform validates Cinestream's manifests against, offline.

Two sources, two sub-commands (both write kubeconform's file layout, see ``--help``):

``kubernetes``
    Flattens one Kubernetes version of the schemas shipped in the ``kubernetes-validate`` wheel
    (openapi2jsonschema output, "local-strict" layout: one file per type whose ``$ref`` point into
    a shared ``_definitions.json``) into self-contained files named
    ``<kind>[-<group>]-<version>.json``, each carrying the ``$defs`` it reaches, so that
    kubeconform needs nothing else at run time.

``crd``
    Converts every served version of each CustomResourceDefinition to
    ``<group>/<kind>_<version>.json`` the way kubeconform's ``openapi2jsonschema.py`` does, and
    strict: every object schema that lists properties and does not preserve unknown fields gets
    ``additionalProperties: false``, so a misspelt field (``parallelizm``) is an error.
    ``metadata`` is validated as the Kubernetes ``ObjectMeta`` taken from the Kubernetes schemas.
"""

from __future__ import annotations

import argparse
import copy
import json
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

DEFS_REF_PREFIX = "/api/_definitions.json#/$defs/"
LOCAL_REF_PREFIX = "#/$defs/"
OBJECT_META = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"
DRAFT = "https://json-schema.org/draft/2020-12/schema"


def fail(message: str) -> None:
    """Print an error naming the cause and exit non-zero."""
    print(f"build_schemas.py: {message}", file=sys.stderr)
    sys.exit(1)


def walk_refs(node: Any) -> Iterator[str]:
    """Yield every ``$ref`` string found anywhere inside a JSON value."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                yield value
            else:
                yield from walk_refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from walk_refs(item)


def rewrite_refs(node: Any) -> Any:
    """Return a copy of a JSON value with shared-file refs turned into local ``#/$defs/`` refs."""
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            if (
                key == "$ref"
                and isinstance(value, str)
                and value.startswith(DEFS_REF_PREFIX)
            ):
                out[key] = LOCAL_REF_PREFIX + value[len(DEFS_REF_PREFIX) :]
            else:
                out[key] = rewrite_refs(value)
        return out
    if isinstance(node, list):
        return [rewrite_refs(item) for item in node]
    return node


def closure(root: Any, definitions: dict[str, Any]) -> dict[str, Any]:
    """Return the definitions reachable from ``root`` (transitively), by name.

    Kind files point into the shared file (``/api/_definitions.json#/$defs/X``); definitions
    point at each other locally (``#/$defs/X``): both are followed.
    """
    needed: dict[str, Any] = {}
    pending = list(walk_refs(root))
    while pending:
        ref = pending.pop()
        if ref.startswith(DEFS_REF_PREFIX):
            name = ref[len(DEFS_REF_PREFIX) :]
        elif ref.startswith(LOCAL_REF_PREFIX):
            name = ref[len(LOCAL_REF_PREFIX) :]
        else:
            fail(f"unexpected $ref {ref}")
        if name in needed:
            continue
        if name not in definitions:
            fail(f"unresolvable $ref {ref}")
        needed[name] = definitions[name]
        pending.extend(walk_refs(definitions[name]))
    return needed


def standalone(schema: dict[str, Any], definitions: dict[str, Any]) -> dict[str, Any]:
    """Make one self-contained schema: local refs plus the ``$defs`` it reaches."""
    needed = closure(schema, definitions)
    out = rewrite_refs({k: v for k, v in schema.items() if k not in ("$id", "$defs")})
    out["$schema"] = DRAFT
    if needed:
        out["$defs"] = {
            name: rewrite_refs(body) for name, body in sorted(needed.items())
        }
    return out


def load_kubernetes_definitions(
    wheel: Path, version: str
) -> tuple[str, zipfile.ZipFile]:
    """Open the wheel and return the folder prefix of ``version``'s local-strict schemas."""
    try:
        archive = zipfile.ZipFile(wheel)
    except (OSError, zipfile.BadZipFile) as error:
        fail(f"cannot read the kubernetes-validate wheel {wheel}: {error}")
    prefix = f"kubernetes_validate/kubernetes-json-schema/{version}-local-strict/"
    if prefix + "_definitions.json" not in archive.namelist():
        fail(f"{wheel} has no schemas for Kubernetes {version} (looked for {prefix})")
    return prefix, archive


def cmd_kubernetes(args: argparse.Namespace) -> None:
    """Write the flattened Kubernetes schemas of one version into ``args.out``."""
    prefix, archive = load_kubernetes_definitions(args.wheel, args.version)
    definitions = json.loads(archive.read(prefix + "_definitions.json"))["$defs"]
    args.out.mkdir(parents=True, exist_ok=True)
    # ObjectMeta for the CRD conversion, kept beside the kind files.
    meta = standalone({"$ref": DEFS_REF_PREFIX + OBJECT_META}, definitions)
    (args.out / "_objectmeta.json").write_text(json.dumps(meta))
    written = 0
    for name in archive.namelist():
        if not name.startswith(prefix) or not name.endswith(".json"):
            continue
        filename = name[len(prefix) :]
        if filename.startswith("_") or filename == "all.json":
            continue
        schema = json.loads(archive.read(name))
        # Only top-level kinds are validated as documents; the nested types live in $defs.
        if "x-kubernetes-group-version-kind" not in schema:
            continue
        (args.out / filename).write_text(json.dumps(standalone(schema, definitions)))
        written += 1
    if written == 0:
        fail(f"no kind schemas found under {prefix} in {args.wheel}")
    print(f"kubernetes {args.version}: {written} kind schemas -> {args.out}")


SCHEMA_MAPS = ("properties", "patternProperties", "definitions", "$defs")
SCHEMA_LISTS = ("allOf", "anyOf", "oneOf")
SCHEMA_VALUES = ("items", "additionalProperties", "not")


def strict(node: Any) -> Any:
    """Return a CRD openAPIV3Schema as strict JSON schema (openapi2jsonschema's conversion).

    Recurses by schema keyword, so a field that happens to be called ``properties`` or
    ``nullable`` is never mistaken for the keyword.
    """
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key in SCHEMA_MAPS and isinstance(value, dict):
            out[key] = {name: strict(sub) for name, sub in value.items()}
        elif key in SCHEMA_LISTS and isinstance(value, list):
            out[key] = [strict(sub) for sub in value]
        elif key in SCHEMA_VALUES and isinstance(value, dict):
            out[key] = strict(value)
        else:
            out[key] = value
    if out.pop("x-kubernetes-int-or-string", False):
        out.pop("type", None)
        out["anyOf"] = [{"type": "integer"}, {"type": "string"}]
    if out.pop("nullable", False) and isinstance(out.get("type"), str):
        out["type"] = [out["type"], "null"]
    if out.get("format") == "int-or-string":
        out.pop("format")
    preserve = out.get("x-kubernetes-preserve-unknown-fields", False)
    if "properties" in out and "additionalProperties" not in out and not preserve:
        out["additionalProperties"] = False
    return out


def crd_documents(path: Path) -> Iterator[dict[str, Any]]:
    """Yield the CustomResourceDefinition documents of one YAML file."""
    try:
        documents = list(yaml.safe_load_all(path.read_text()))
    except (OSError, yaml.YAMLError) as error:
        fail(f"cannot read CRD file {path}: {error}")
    for document in documents:
        if (
            isinstance(document, dict)
            and document.get("kind") == "CustomResourceDefinition"
        ):
            yield document


def cmd_crd(args: argparse.Namespace) -> None:
    """Write one strict JSON schema per served version of each CRD given."""
    meta = json.loads((args.kubernetes / "_objectmeta.json").read_text())
    written = 0
    for path in args.crds:
        found = False
        for crd in crd_documents(path):
            found = True
            group = crd["spec"]["group"]
            kind = crd["spec"]["names"]["kind"]
            for version in crd["spec"]["versions"]:
                if not version.get("served", True):
                    continue
                schema = strict(copy.deepcopy(version["schema"]["openAPIV3Schema"]))
                schema.setdefault("properties", {})
                schema["properties"]["apiVersion"] = {
                    "enum": [f"{group}/{version['name']}"]
                }
                schema["properties"]["kind"] = {"enum": [kind]}
                schema["properties"]["metadata"] = {
                    "$ref": LOCAL_REF_PREFIX + OBJECT_META
                }
                schema["required"] = sorted(
                    set(schema.get("required", [])) | {"apiVersion", "kind"}
                )
                schema["$defs"] = meta["$defs"]
                schema["$schema"] = DRAFT
                target = args.out / group / f"{kind.lower()}_{version['name']}.json"
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(json.dumps(schema))
                written += 1
        if not found:
            fail(f"{path} holds no CustomResourceDefinition")
    print(f"crds: {written} schemas -> {args.out}")


def main() -> None:
    """Parse the command line and run the chosen sub-command."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = parser.add_subparsers(dest="command", required=True)
    kube = sub.add_parser(
        "kubernetes", help="flatten the Kubernetes schemas of one version"
    )
    kube.add_argument(
        "--wheel", type=Path, required=True, help="kubernetes_validate-*.whl"
    )
    kube.add_argument("--version", required=True, help="e.g. v1.34.0")
    kube.add_argument("--out", type=Path, required=True)
    kube.set_defaults(run=cmd_kubernetes)
    crd = sub.add_parser(
        "crd", help="convert CustomResourceDefinitions to strict JSON schemas"
    )
    crd.add_argument(
        "--kubernetes", type=Path, required=True, help="output dir of `kubernetes`"
    )
    crd.add_argument("--out", type=Path, required=True)
    crd.add_argument("crds", type=Path, nargs="+", help="CRD YAML files")
    crd.set_defaults(run=cmd_crd)
    args = parser.parse_args()
    args.run(args)


if __name__ == "__main__":
    main()
