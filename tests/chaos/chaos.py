#!/usr/bin/env python3
"""Fault injection for the Cinestream pipeline: `./pipeline chaos` (runs in the interop venv).

For each fault, on the stack that `./pipeline chaos` started in a home of its own:
  1. reset: Flink jobs cancelled, loader stopped, event topics and Flink consumer groups deleted and
     the topics recreated, raw/metric tables truncated, loader and Flink checkpoints removed (the
     catalogue topic and table stay);
  2. streaming run: the raw loader (spark-submit, continuous, 2 s micro-batches) and the three Flink
     jobs (detached, 5 s checkpoints) start, then the generator produces a fixed workload (seeded,
     with duplicates and malformed records) paced by a broker-side produce quota, so that the run
     takes about --generate-seconds of wall time;
  3. fault: at a seeded random point between 30 % and 70 % of the generation, SIGKILL of one process
     (the loader's driver JVM, the Flink TaskManager or JobManager, the Kafka broker, the schema
     registry, the PostgreSQL server), or "poison": the hostile records of issue 23 produced into the
     event topics mid-stream (see POISON; nothing is killed);
  4. operator: `./pipeline up` (restarts what died), the loader resubmitted on its checkpoint, a
     Flink job that is gone or failed resubmitted from its newest retained checkpoint (a standalone
     JobManager without HA forgets its jobs: they are found on disk under
     <data>/flink/checkpoints/<old job id>/chk-<n>/_metadata);
  5. drain: generator done, the loader's committed offsets and the Flink groups' committed offsets
     at the topics' end offsets; then the loader is stopped and each Flink job is stopped with a
     savepoint and --drain (end of input: Flink's watermark goes to +infinity and every window
     closes, as in bounded mode);
  6. checks: Kafka read back (every record decoded with the registry's schema, the generator's
     summary cross-checked) is the oracle for the raw tables: every distinct event_id loaded once
     (0 lost, 0 duplicated, 0 unexpected) and every undecodable record in dead_letter_events;
     `./pipeline verify` (reference from the raw tables, compare) for the Flink metric tables.
     "poison" also checks that each hostile record is in dead_letter_events exactly once with its
     expected reason (the error's text before the first colon) and that no Flink job failed.

Recovery time = fault -> the last consumer progressing again: the loader has committed a
micro-batch beyond its position at the fault, and each Flink job is RUNNING, has completed a
checkpoint after the fault and has committed offsets beyond its position at the fault (or is at the
end offsets). Output: a table printed and written to reports/chaos/<timestamp>.md and .json.
Exit status: 0 all zeros, 1 a difference or a fault that did not recover, 2 bad arguments.
"""

import argparse
import datetime
import io
import json
import os
import random
import re
import signal
import struct
import subprocess
import sys
import time
from pathlib import Path

import fastavro
import psycopg
import requests
from confluent_kafka import OFFSET_BEGINNING, Consumer, TopicPartition
from confluent_kafka.admin import AdminClient

ENV = os.environ
ROOT = Path(ENV["CHAOS_ROOT"])
# The launch commands come from the ops package of this checkout (./pipeline chaos exports the configuration).
sys.path.insert(0, str(ROOT / "ops"))
from cinestream_ops import launch  # noqa: E402
from cinestream_ops.config import Config  # noqa: E402

CONFIG = Config.load(ROOT, ENV)
HOME = Path(ENV["CINESTREAM_HOME"])
LOGS = HOME / "logs" / "chaos"
RUN_DIR = HOME / "run"
DATA_DIR = HOME / "data"
PIPELINE = str(ROOT / "pipeline")
BOOTSTRAP = ENV["KAFKA_BOOTSTRAP"]
REGISTRY = ENV["SCHEMA_REGISTRY_URL"]
JDBC_URL = ENV["WAREHOUSE_JDBC_URL"]
FLINK_URL = ENV["FLINK_URL"]
DSN = f"host=127.0.0.1 port={ENV['POSTGRES_PORT']} dbname=cinestream user=postgres connect_timeout=5"
LOADER_CHECKPOINT = HOME / "checkpoints" / "raw-loader"
FLINK_CHECKPOINTS = DATA_DIR / "flink" / "checkpoints"
FLINK_SAVEPOINTS = DATA_DIR / "flink" / "savepoints"

# docs/architecture.md#topics-and-schemas and docs/architecture.md#warehouse-tables: event topic -> raw table.
TOPIC_TABLE = {
    "consumer_registration": "consumer_events",
    "sign_in": "consumer_events",
    "sign_out": "consumer_events",
    "item_view": "item_view_events",
    "added_to_cart": "cart_events",
    "checkout_to_cart": "cart_events",
    "item_rating": "item_rating_events",
}
EVENT_TOPICS = list(TOPIC_TABLE)
CATALOG_TOPIC = "movies_catalog_enriched"
TRUNCATED = [
    "consumer_events",
    "item_view_events",
    "cart_events",
    "item_rating_events",
    "dead_letter_events",
    "user_registration_metrics",
    "session_metrics",
    "orphan_sign_outs",
    "movie_sales_metrics",
    "late_events",
]
# Flink job class -> its consumer groups (cinestream-flink-<job name>) and their topics.
FLINK_JOBS = {
    "RegistrationMetricsJob": {"cinestream-flink-registration-metrics": ["consumer_registration"]},
    "SessionMetricsJob": {"cinestream-flink-session-metrics": ["sign_in", "sign_out"]},
    "MovieSalesJob": {
        "cinestream-flink-movie-sales": ["added_to_cart", "checkout_to_cart"],
        "cinestream-flink-movie-sales-catalog": [CATALOG_TOPIC],
    },
}
# Flink job class -> job name (the ops package names the jobs and builds their submission).
JOB_NAMES = {job_class: name for name, job_class in launch.FLINK_JOBS.items()}
FAULTS = ["loader", "taskmanager", "jobmanager", "kafka", "registry", "postgres", "spark-metrics", "poison"]
GENERATOR_CLIENT_ID = "chaos-generator"


def estimated_records(users, hours):
    """Records the generator sends, roughly (measured: 300 users/2 h -> 3,900; 2,000/6 h -> 32,200)."""
    return users * (10 + hours)


BYTES_PER_RECORD = 88  # measured mean (key + value)
CHECKPOINT_INTERVAL = "5s"
RUN_TIMEOUT_S = 900


def log(msg):
    print(f"    [{time.strftime('%H:%M:%S')}] {msg}", flush=True)


class ChaosError(Exception):
    """A step of the chaos run failed (not a finding about the data: the run itself broke)."""


def wait_for(what, predicate, timeout, interval=1.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise ChaosError(f"timed out after {timeout:.0f} s waiting for {what}")


def pipeline(*args, timeout=600):
    """Runs ./pipeline ARGS with the chaos stack's environment; output in LOGS/pipeline.log."""
    with open(LOGS / "pipeline.log", "a") as out:
        out.write(f"\n$ ./pipeline {' '.join(args)}\n")
        out.flush()
        rc = subprocess.run([PIPELINE, *args], stdout=out, stderr=subprocess.STDOUT, timeout=timeout).returncode
    if rc != 0:
        tail = (LOGS / "pipeline.log").read_text().splitlines()[-15:]
        raise ChaosError(f"./pipeline {' '.join(args)} failed (exit {rc}):\n      " + "\n      ".join(tail))


def pid_alive(pid):
    """The process exists and is not a zombie (a killed child of ours stays one until reaped)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def read_pid(path):
    """The live pid in a pid file (the last line that is alive), or None."""
    try:
        lines = [int(x) for x in Path(path).read_text().split()]
    except (FileNotFoundError, ValueError):
        return None
    live = [p for p in lines if pid_alive(p)]
    return live[-1] if live else None


def flink_daemon_pid(daemon):
    for f in RUN_DIR.glob(f"flink-*-{daemon}.pid"):
        pid = read_pid(f)
        if pid:
            return pid
    return None


# --- Kafka ------------------------------------------------------------------------------------------
_CLIENTS = {}


def admin():
    """One admin client for the run (librdkafka reconnects by itself after a broker restart)."""
    if "admin" not in _CLIENTS:
        _CLIENTS["admin"] = AdminClient({"bootstrap.servers": BOOTSTRAP, "log_level": 0})
    return _CLIENTS["admin"]


def probe():
    """One consumer that never subscribes, for metadata and watermark offsets."""
    if "probe" not in _CLIENTS:
        _CLIENTS["probe"] = Consumer(
            {"bootstrap.servers": BOOTSTRAP, "group.id": "chaos-probe", "enable.auto.commit": False, "log_level": 0}
        )
    return _CLIENTS["probe"]


def end_offsets(topics):
    """{(topic, partition): high watermark} of the topics; None when Kafka does not answer."""
    c = probe()
    try:
        md = c.list_topics(timeout=5)
        out = {}
        for t in topics:
            for p in md.topics[t].partitions:
                out[(t, p)] = c.get_watermark_offsets(TopicPartition(t, p), timeout=5, cached=False)[1]
        return out
    except Exception:
        _CLIENTS.clear()
        return None


def committed_offsets(group):
    """{(topic, partition): committed offset} of a consumer group; None when Kafka does not answer."""
    from confluent_kafka import ConsumerGroupTopicPartitions

    try:
        futures = admin().list_consumer_group_offsets([ConsumerGroupTopicPartitions(group)], request_timeout=5)
        result = futures[group].result(timeout=10)
        return {(tp.topic, tp.partition): tp.offset for tp in result.topic_partitions if tp.offset >= 0}
    except Exception:
        # After a broker restart a cached admin client can keep failing: the next call makes new ones.
        _CLIENTS.clear()
        return None


def reset_topics():
    a = admin()
    groups = [
        g.group_id
        for g in a.list_consumer_groups().result(timeout=30).valid
        if g.group_id.startswith("cinestream-flink-")
    ]
    if groups:
        for f in a.delete_consumer_groups(groups, request_timeout=30).values():
            f.result(timeout=30)
    for f in a.delete_topics(EVENT_TOPICS, operation_timeout=30).values():
        try:
            f.result(timeout=30)
        except Exception as e:  # already gone
            if "UNKNOWN_TOPIC" not in str(e):
                raise
    wait_for("event topics deleted", lambda: not set(EVENT_TOPICS) & set(a.list_topics(timeout=10).topics), 60)
    subprocess.run(
        launch.devstack_tool(CONFIG, ["create-topics", "--bootstrap", BOOTSTRAP]).argv,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wait_for("event topics recreated", lambda: end_offsets(EVENT_TOPICS) is not None, 60)


class RegistryDecoder:
    """Decodes Confluent wire-format values with the schemas of the registry, as the loader does."""

    def __init__(self):
        self.schemas = {}

    def event_id(self, value):
        """The event_id of a value; raises ValueError when the value cannot be decoded."""
        if value is None or len(value) < 6 or value[0] != 0:
            raise ValueError("bad magic byte or too short")
        schema_id = struct.unpack(">I", value[1:5])[0]
        if schema_id not in self.schemas:
            r = requests.get(f"{REGISTRY}/schemas/ids/{schema_id}", timeout=10)
            if r.status_code == 404:
                raise ValueError(f"unknown schema id {schema_id}")
            r.raise_for_status()
            self.schemas[schema_id] = fastavro.parse_schema(json.loads(r.json()["schema"]))
        body = io.BytesIO(value[5:])
        try:
            record = fastavro.schemaless_reader(body, self.schemas[schema_id])
        except Exception as e:
            raise ValueError(f"bad Avro: {e}") from e
        if body.tell() != len(value) - 5:
            raise ValueError("trailing bytes")
        return str(record["event_id"])


def read_back_topics(exclude=frozenset()):
    """Every record of the event topics: {topic: {"ids": set, "records": n, "malformed": set((t, p, o))}}.

    :param exclude: coordinates (t, p, o) of records the oracle skips (the poison fault's own records)
    """
    ends = end_offsets(EVENT_TOPICS)
    decoder = RegistryDecoder()
    out = {t: {"ids": set(), "records": 0, "malformed": set()} for t in EVENT_TOPICS}
    c = Consumer({"bootstrap.servers": BOOTSTRAP, "group.id": "chaos-oracle", "enable.auto.commit": False})
    pending = {tp for tp, end in ends.items() if end > 0}
    c.assign([TopicPartition(t, p, OFFSET_BEGINNING) for (t, p) in pending])
    deadline = time.time() + 300
    while pending and time.time() < deadline:
        for m in c.consume(500, timeout=1):
            if m.error():
                continue
            t, p, o = m.topic(), m.partition(), m.offset()
            if o + 1 >= ends[(t, p)]:
                pending.discard((t, p))
            if (t, p, o) in exclude:
                continue
            out[t]["records"] += 1
            try:
                out[t]["ids"].add(decoder.event_id(m.value()))
            except ValueError:
                out[t]["malformed"].add((t, p, o))
    c.close()
    if pending:
        raise ChaosError(f"could not read the topics back to their end offsets: {sorted(pending)}")
    return out


# --- the poison fault (issue 23) ----------------------------------------------------------------------
def _zigzag_varint(n):
    """Avro's encoding of a long: zigzag, then base-128 varint."""
    z = (n << 1) ^ (n >> 63)
    out = bytearray()
    while True:
        byte = z & 0x7F
        z >>= 7
        if z:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def latest_schema(subject):
    """(schema id, parsed schema) of the subject's latest version in the registry."""
    r = requests.get(f"{REGISTRY}/subjects/{subject}/versions/latest", timeout=10)
    r.raise_for_status()
    body = r.json()
    return body["id"], fastavro.parse_schema(json.loads(body["schema"]))


def _wire(schema_id, schema, record):
    out = io.BytesIO()
    out.write(b"\0" + struct.pack(">I", schema_id))
    fastavro.schemaless_writer(out, schema, record)
    return out.getvalue()


def poison_records(now_ms):
    """The hostile records of issue 23, items 1-5: [(name, topic, key, value, expected reason)].

    The reason is the dead letter's error text before its first colon, the same in Flink and in
    the loader (DeadLetterText). The forged tick (value None here) is a tick record (null key and
    value, header cinestream.tick=1) without the signature header cinestream.tick.sig, produced
    by :func:`produce_poison` with a record timestamp 30 min ahead (a broker may refuse a
    timestamp much further ahead: log.message.timestamp.after.max.ms).
    """
    sign_in_id, sign_in = latest_schema("sign_in-value")
    reg_id, reg = latest_schema("consumer_registration-value")

    def sign_in_at(ms, n):
        return _wire(
            sign_in_id,
            sign_in,
            {"event_id": f"0bad0000-0000-4000-8000-{n:012d}", "timestamp": ms, "event_name": "sign_in", "user_id": 7},
        )

    year_10000_ms = 253402300800000  # 10000-01-01T00:00:00Z
    future_ms = now_ms + 24 * 3600 * 1000  # a day ahead of the wall clock
    registration = {
        "event_id": "0bad0000-0000-4000-8000-000000000004",
        "timestamp": future_ms,
        "event_name": "consumer_registration",
        "user_id": 7,
        "age": 30,
        "masked_email": "****@example.com",
        "preferred_language": "eng",
    }
    return [
        # 1: a sign_in whose event_id claims 2^31-16 bytes: 10 bytes in all.
        (
            "length bomb",
            "sign_in",
            b"7",
            b"\0" + struct.pack(">I", sign_in_id) + _zigzag_varint(2**31 - 16),
            "TOO_LARGE",
        ),
        ("year 10000", "sign_in", b"7", sign_in_at(year_10000_ms, 2), "INVALID_VALUE"),
        ("NUL-byte key", "sign_out", b"7\0x", b"\1" + struct.pack(">I", sign_in_id) + b"\2", "BAD_MAGIC_BYTE"),
        ("far-future sign_in", "sign_in", b"7", sign_in_at(future_ms, 3), "INVALID_VALUE"),
        ("far-future registration", "consumer_registration", b"7", _wire(reg_id, reg, registration), "INVALID_VALUE"),
        ("wrong magic byte", "added_to_cart", b"7", b"\x2a" + sign_in_at(0, 5)[1:], "BAD_MAGIC_BYTE"),
        ("unknown schema id", "checkout_to_cart", b"7", b"\0" + struct.pack(">I", 987654) + b"\2", "UNKNOWN_SCHEMA_ID"),
        ("truncated payload", "item_view", b"7", b"\0\0\0", "TRUNCATED"),
        ("forged tick", "sign_out", None, None, "INVALID_TICK_SIGNATURE"),
    ]


def produce_poison():
    """Produces :func:`poison_records`; returns [(name, (topic, partition, offset), key, reason)]."""
    from confluent_kafka import Producer

    now_ms = int(time.time() * 1000)
    records = poison_records(now_ms)
    producer = Producer({"bootstrap.servers": BOOTSTRAP, "client.id": "chaos-poison", "acks": "all", "log_level": 0})
    where = {}

    def delivered(name):
        def callback(err, msg):
            if err is not None:
                raise ChaosError(f"poison record {name!r} not delivered: {err}")
            where[name] = (msg.topic(), msg.partition(), msg.offset())

        return callback

    for name, topic, key, value, _ in records:
        if value is None:  # the forged tick: 30 min ahead, header but no signature
            producer.produce(
                topic,
                value=None,
                key=None,
                headers=[("cinestream.tick", b"1")],
                timestamp=now_ms + 30 * 60 * 1000,
                on_delivery=delivered(name),
            )
        else:
            producer.produce(topic, value=value, key=key, on_delivery=delivered(name))
    if producer.flush(30) != 0 or len(where) != len(records):
        raise ChaosError(f"poison records not all delivered: {sorted(where)}")
    return [(name, where[name], key, reason) for name, _, key, _, reason in records]


def check_poison(poison):
    """Each poison record in dead_letter_events exactly once with its reason; returns the mismatches."""
    import base64

    rows = sql(
        "SELECT kafka_topic, kafka_partition, kafka_offset, split_part(error, ':', 1), kafka_key"
        " FROM dead_letter_events"
    )
    by_coords = {}
    for t, p, o, reason, key in rows:
        by_coords.setdefault((t, p, o), []).append((reason, key))
    wrong = []
    for name, coords, key, reason in poison:
        found = by_coords.get(coords, [])
        if key is None:
            stored_key = None
        elif b"\0" in key:
            stored_key = "base64:" + base64.b64encode(key).decode()
        else:
            stored_key = key.decode()
        if found != [(reason, stored_key)]:
            wrong.append(f"{name} at {coords}: expected one dead letter {reason} key {stored_key!r}, found {found}")
    return wrong


# --- warehouse --------------------------------------------------------------------------------------
def sql(query, fetch=True):
    with psycopg.connect(DSN, autocommit=True) as conn:
        cur = conn.execute(query)
        return cur.fetchall() if fetch else None


def raw_rows():
    """[(event_id, topic)] over all raw tables (one entry per row) and the dead letters' coordinates."""
    rows = []
    for table in sorted(set(TOPIC_TABLE.values())):
        rows += sql(f"SELECT event_id::text, kafka_topic FROM {table}")
    dead = sql("SELECT kafka_topic, kafka_partition, kafka_offset FROM dead_letter_events")
    return rows, {(t, p, o) for t, p, o in dead}, len(dead)


# --- the raw loader ---------------------------------------------------------------------------------
class Loader:
    """The raw-event loader as a continuous spark-submit (what `./pipeline load` runs, without --once)."""

    def __init__(self, logs):
        self.logs = logs
        self.proc = None
        self.starts = 0

    def start(self):
        self.starts += 1
        command = launch.raw_loader(
            CONFIG, Path(ENV["SPARK_HOME"]), once=False, extra=["--trigger-interval", "2 seconds"]
        )
        cmd = command.argv
        out = open(self.logs / f"loader-{self.starts}.log", "w")
        self.proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def query_started(self):
        if not self.alive():
            raise ChaosError(
                f"the loader exited at start (status {self.proc.returncode}), see {self.logs}/loader-{self.starts}.log"
            )
        return "started (run" in (self.logs / f"loader-{self.starts}.log").read_text(errors="replace")

    def driver_pid(self):
        """The driver JVM: spark-submit execs into it, so it is the process started."""
        cmdline = Path(f"/proc/{self.proc.pid}/cmdline").read_bytes().replace(b"\0", b" ")
        if b"org.apache.spark.deploy.SparkSubmit" not in cmdline:
            raise ChaosError(f"pid {self.proc.pid} is not the spark-submit driver JVM: {cmdline[:200]!r}")
        return self.proc.pid

    def stop(self):
        if self.alive():
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    @staticmethod
    def committed():
        """(offsets {(topic, partition): offset} of the newest committed micro-batch, its commit time)."""
        base = LOADER_CHECKPOINT / "postgres"
        commits = [int(f.name) for f in (base / "commits").glob("[0-9]*")] if (base / "commits").is_dir() else []
        if not commits:
            return {}, 0.0
        n = max(commits)
        lines = (base / "offsets" / str(n)).read_text().splitlines()
        offsets = {}
        for line in lines[2:]:
            for topic, parts in json.loads(line).items():
                for p, o in parts.items():
                    offsets[(topic, int(p))] = o
        return offsets, (base / "commits" / str(n)).stat().st_mtime


# --- Flink ------------------------------------------------------------------------------------------
class Flink:
    """The three metric jobs on the standalone cluster, submitted through the JobManager's REST API."""

    def __init__(self, logs=LOGS):
        self.logs = logs
        self.job_ids = {}  # job class -> current job id
        # job class -> every job id it ran as since the last reset, oldest first: a resubmitted job that
        # fails before its own first checkpoint must restart from the newest checkpoint of the chain
        self.chains = {}
        self.submissions = 0

    @staticmethod
    def rest(method, path, **kw):
        return requests.request(method, f"{FLINK_URL}{path}", timeout=kw.pop("timeout", 10), **kw)

    def reachable(self):
        try:
            return self.rest("GET", "/overview", timeout=3).ok
        except requests.RequestException:
            return False

    def no_taskmanager(self):
        """True when the JobManager answers and lists no TaskManager."""
        try:
            answer = self.rest("GET", "/taskmanagers", timeout=3)
            return answer.ok and not answer.json().get("taskmanagers")
        except (requests.RequestException, ValueError):
            return False

    def submit(self, *jobs, checkpoints=None):
        """`flink run -d [-s CHECKPOINT]` of the jobs, side by side (as `./pipeline metrics` does;
        the REST jar-run endpoint would run main() inside the JobManager, whose metaspace fills up
        after a few dozen submissions of our 29 MB jar)."""
        checkpoints = checkpoints or {}
        procs = {}
        for job in jobs:
            command = launch.flink_metric_job(
                CONFIG,
                Path(ENV["FLINK_HOME"]),
                JOB_NAMES[job],
                bounded=False,
                restore=checkpoints.get(job) or None,
                extra=["--checkpoint-interval", CHECKPOINT_INTERVAL],
            )
            cmd = command.argv
            procs[job] = subprocess.Popen(
                cmd,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
                env=command.environ(ENV),
            )
        for job, proc in procs.items():
            out = proc.communicate(timeout=300)[0]
            (self.logs / f"flink-run-{job}-{self.submissions}.log").write_text(out)
            job_id = launch.submitted_job_id(out)
            if proc.returncode != 0 or not job_id:
                cause = [x for x in out.splitlines() if "Caused by" in x or "Exception:" in x][
                    -1:
                ] or out.strip().splitlines()[-1:]
                raise ChaosError(f"flink run {job} failed (exit {proc.returncode}): {cause}")
            self.job_ids[job] = job_id
            self.chains.setdefault(job, []).append(job_id)
            self.submissions += 1
            log(f"{job} submitted as {job_id}" + (f" from {checkpoints[job]}" if checkpoints.get(job) else ""))

    def state(self, job):
        """The job's state, 'GONE' when the JobManager does not know it, None when it does not answer."""
        try:
            r = self.rest("GET", f"/jobs/{self.job_ids[job]}", timeout=5)
        except requests.RequestException:
            return None
        if r.status_code == 404:
            return "GONE"
        return r.json()["state"] if r.ok else None

    def last_checkpoint_time(self, job):
        """Epoch seconds of the newest completed checkpoint of the current job, 0 when none."""
        try:
            r = self.rest("GET", f"/jobs/{self.job_ids[job]}/checkpoints", timeout=5)
            latest = (r.json().get("latest") or {}).get("completed") if r.ok else None
            return latest["latest_ack_timestamp"] / 1000 if latest else 0.0
        except (requests.RequestException, ValueError, KeyError):
            return 0.0

    @staticmethod
    def newest_retained_checkpoint(job_id):
        """The newest complete retained checkpoint of a job (chk-<n> holding _metadata), or None."""
        found = [(int(d.name[4:]), d) for d in (FLINK_CHECKPOINTS / job_id).glob("chk-*") if (d / "_metadata").exists()]
        return f"file://{max(found)[1]}" if found else None

    def resubmit_down_jobs(self):
        """Operator: jobs that are gone (JobManager restarted) or failed come back from the newest
        retained checkpoint of their chain (this job id, else the ones it was restored from), all at once."""
        checkpoints = {}
        for job in list(self.job_ids):
            state = self.state(job)
            if state in ("GONE", "FAILED", "CANCELED"):
                checkpoints[job] = next(
                    (
                        cp
                        for cp in map(
                            self.newest_retained_checkpoint, reversed(self.chains.get(job, [self.job_ids[job]]))
                        )
                        if cp
                    ),
                    None,
                )
                log(
                    f"{job} is {state}: resubmitting from {checkpoints[job] or 'its committed offsets (no checkpoint)'}"
                )
        if checkpoints:
            self.submit(*checkpoints, checkpoints=checkpoints)

    def cancel_all(self):
        if not self.reachable():
            return
        for j in self.rest("GET", "/jobs/overview").json()["jobs"]:
            if j["state"] not in ("FINISHED", "FAILED", "CANCELED"):
                self.rest("PATCH", f"/jobs/{j['jid']}?mode=cancel")
        wait_for(
            "Flink jobs cancelled",
            lambda: all(
                j["state"] in ("FINISHED", "FAILED", "CANCELED")
                for j in self.rest("GET", "/jobs/overview").json()["jobs"]
            ),
            120,
        )
        self.job_ids = {}
        self.chains = {}

    def stop_with_drain(self, job):
        """Stop with savepoint and --drain: MAX_WATERMARK closes every window before the job finishes."""
        r = self.rest(
            "POST",
            f"/jobs/{self.job_ids[job]}/stop",
            json={"drain": True, "targetDirectory": f"file://{FLINK_SAVEPOINTS}"},
        )
        if not r.ok:
            raise ChaosError(f"stop --drain of {job} refused: {r.status_code} {r.text[:300]}")
        wait_for(f"{job} FINISHED after stop --drain", lambda: self.state(job) == "FINISHED", 240, 2)


# --- one fault ----------------------------------------------------------------------------------------
class FaultRun:
    def __init__(self, fault, args):
        self.fault = fault
        self.args = args
        self.rng = random.Random(f"{args.seed}:{fault}")
        self.logs = LOGS / fault
        self.logs.mkdir(parents=True, exist_ok=True)
        self.loader = Loader(self.logs)
        self.flink = Flink(self.logs)
        self.result = {"fault": fault}
        self.poison = []

    # -- workload
    def start_generator(self):
        args = ["--users", str(self.args.users), "--hours", str(self.args.hours), "--seed", str(self.args.seed)]
        args += ["--duplicate-rate", "0.01", "--malformed-rate", "0.001", "--no-progress"]
        args += ["--producer-property", f"client.id={GENERATOR_CLIENT_ID}"]
        # Throttled records wait in the producer; a broker restart must not expire them.
        args += ["--producer-property", "delivery.timeout.ms=900000"]
        args += ["--summary-json", str(self.logs / "generator-summary.json")]
        cmd = launch.generator(CONFIG, args, heap="512m").argv
        self.gen_out = open(self.logs / "generator.log", "w")
        self.generator = subprocess.Popen(cmd, stdout=self.gen_out, stderr=subprocess.STDOUT)

    def generator_summary(self):
        """{topic: (events, duplicates, malformed, records)} from the generator's JSON summary (--summary-json)."""
        topics = json.loads((self.logs / "generator-summary.json").read_text())["topics"]
        fields = ("events", "duplicates", "malformed", "records")
        return {t: tuple(c[f] for f in fields) for t, c in topics.items() if t in TOPIC_TABLE}

    # -- the fault and the operator's restart
    def inject(self):
        f = self.fault
        if f == "poison":
            self.poison = produce_poison()
            log("poison: " + ", ".join(f"{name} -> {t}/{p}@{o}" for name, (t, p, o), _, _ in self.poison))
            return None
        if f == "loader":
            pid = self.loader.driver_pid()
        elif f in ("taskmanager", "jobmanager"):
            pid = flink_daemon_pid("taskexecutor" if f == "taskmanager" else "standalonesession")
        elif f in ("kafka", "registry"):
            pid = read_pid(RUN_DIR / f"{f}.pid")
        elif f == "postgres":
            pid = int((DATA_DIR / "postgres" / "postmaster.pid").read_text().split()[0])
        if not pid or not pid_alive(pid):
            raise ChaosError(f"no live process to kill for {f}")
        os.kill(pid, signal.SIGKILL)
        log(f"SIGKILL {f} (pid {pid})")
        return pid

    def operator_restart(self, pid):
        f = self.fault
        if f == "poison":  # nothing to restart: the pipeline must simply keep running
            return
        wait_for(f"pid {pid} gone", lambda: not pid_alive(pid), 30, 0.2)
        if f == "loader":
            self.loader.proc.wait()
            self.loader.start()
            log("loader resubmitted on its checkpoint")
            return
        if f == "postgres":
            # Its devstack wrapper ends when the server dies; `up` then starts a new one.
            wrapper = read_pid(RUN_DIR / "postgres.pid")
            if wrapper:
                wait_for("the postgres wrapper to notice the server died", lambda: not pid_alive(wrapper), 60, 0.5)
        if f == "taskmanager":
            # As an operator would: restart the TaskManager once the JobManager has dropped the dead
            # one (its heartbeat timeout). A new TaskManager on the same RPC address before that was
            # refused by the JobManager's remoting ("read-only association") until the jobs ran out
            # of restart attempts (seen once in four runs on a loaded machine).
            wait_for("the JobManager to drop the killed TaskManager", self.flink.no_taskmanager, 180, 1.0)
            log("the JobManager dropped the killed TaskManager")
        pipeline("up", timeout=300)
        log("./pipeline up: stack healthy again")

    def supervise(self):
        """What an operator on call does while waiting: resubmit a loader or Flink job that died."""
        if not self.loader.alive() and not self.loader_stopped:
            log(f"loader exited (status {self.loader.proc.returncode}): resubmitting on its checkpoint")
            self.loader.start()
        if self.flink.reachable():
            self.flink.resubmit_down_jobs()

    # -- progress
    def flink_position(self, job):
        """{(topic, partition): committed} over the job's groups, None when Kafka does not answer."""
        pos = {}
        for group in FLINK_JOBS[job]:
            c = committed_offsets(group)
            if c is None:
                return None
            pos.update(c)
        return pos

    @staticmethod
    def at_end(position, topics, ends):
        return (
            ends is not None
            and position is not None
            and all(position.get(tp, 0) >= end for tp, end in ends.items() if tp[0] in topics)
        )

    @staticmethod
    def advanced(position, before):
        return position is not None and sum(position.values()) > sum((before or {}).values())

    def not_progressing(self, t_fault, before, ends):
        """The consumers not yet progressing again after the fault (empty when all are), with why."""
        waiting = []
        loader_pos, loader_commit = Loader.committed()
        if not self.loader.alive():
            waiting.append("loader: not running")
        elif loader_commit <= t_fault:
            waiting.append("loader: no micro-batch committed since the fault")
        elif not (self.advanced(loader_pos, before["loader"]) or self.at_end(loader_pos, EVENT_TOPICS, ends)):
            waiting.append("loader: offsets not advanced")
        for job, groups in FLINK_JOBS.items():
            topics = [t for ts in groups.values() for t in ts]
            state = self.flink.state(job)
            if state != "RUNNING":
                waiting.append(f"{job}: {state}")
            elif self.flink.last_checkpoint_time(job) <= t_fault:
                waiting.append(f"{job}: no checkpoint since the fault")
            else:
                pos = self.flink_position(job)
                if not (self.advanced(pos, before[job]) or self.at_end(pos, topics, ends)):
                    waiting.append(f"{job}: committed offsets not advanced")
        return waiting

    def drained(self):
        ends = end_offsets(EVENT_TOPICS + [CATALOG_TOPIC])
        if ends is None:
            return False
        if not self.at_end(
            Loader.committed()[0], EVENT_TOPICS, {k: v for k, v in ends.items() if k[0] != CATALOG_TOPIC}
        ):
            return False
        for job, groups in FLINK_JOBS.items():
            topics = [t for ts in groups.values() for t in ts]
            if self.flink.state(job) != "RUNNING" or not self.at_end(self.flink_position(job), topics, ends):
                return False
        return True

    # -- the run
    def generator_proc_alive(self):
        return getattr(self, "generator", None) is not None and self.generator.poll() is None

    def mid_stream(self):
        """The loader has committed a micro-batch and every Flink job has completed a checkpoint."""
        return Loader.committed()[1] > 0 and all(self.flink.last_checkpoint_time(j) > 0 for j in FLINK_JOBS)

    def run(self):
        args = self.args
        t_start = time.time()
        reset(self.flink)
        self.loader_stopped = False
        self.loader.start()
        self.flink.submit(*FLINK_JOBS)
        wait_for("Flink jobs RUNNING", lambda: all(self.flink.state(j) == "RUNNING" for j in FLINK_JOBS), 180, 2)
        wait_for("the loader's query to start", self.loader.query_started, 300, 2)
        self.start_generator()
        # The fault point: a seeded share of the expected records is in Kafka and every consumer is
        # mid-stream (the loader has committed a micro-batch, the Flink jobs have checkpointed).
        fault_share = self.rng.uniform(0.3, 0.7)
        fault_records = int(fault_share * estimated_records(args.users, args.hours))
        log(
            f"workload: {args.users} users over {args.hours} h (seed {args.seed})"
            f" paced over ~{args.generate_seconds:.0f} s;"
            f" fault once {fault_records} records ({fault_share:.0%}) are in Kafka"
        )
        t_fault = t_recovered = None
        if self.fault == "spark-metrics":  # the streaming part runs undisturbed; the kill comes after it
            t_fault = t_recovered = time.time()
            self.result.update(generator_running_at_fault=None, records_in_kafka_at_fault=None)
        before = {}
        last_status = time.time()
        deadline = time.time() + RUN_TIMEOUT_S
        while time.time() < deadline:
            now = time.time()
            if t_fault is None and not self.loader.alive():
                raise ChaosError(
                    f"the loader exited before the fault (status {self.loader.proc.returncode}),"
                    f" see {self.logs}/loader-1.log"
                )
            # A small workload can be all in Kafka before the consumers are mid-stream: the fault then
            # comes at their first commit, while they still have a backlog (reported as such).
            ends = end_offsets(EVENT_TOPICS) if t_fault is None else None
            if (
                t_fault is None
                and ends
                and (sum(ends.values()) >= fault_records or self.generator.poll() is not None)
                and self.mid_stream()
            ):
                t_snap = time.time()
                produced = sum(ends.values())
                self.result["generator_running_at_fault"] = self.generator.poll() is None
                self.result["records_in_kafka_at_fault"] = produced
                before = {"loader": Loader.committed()[0], **{j: self.flink_position(j) for j in FLINK_JOBS}}
                log(f"positions before the fault read in {time.time() - t_snap:.1f} s")
                pid = self.inject()
                t_fault = time.time()
                self.operator_restart(pid)
                self.result["service_back_s"] = round(time.time() - t_fault, 1)
            if t_fault is not None:
                self.supervise()
                ends = end_offsets(EVENT_TOPICS + [CATALOG_TOPIC])
                if t_recovered is None:
                    waiting = self.not_progressing(t_fault, before, ends)
                    if not waiting:
                        t_recovered = time.time()
                        log(f"recovered: every consumer progressing {t_recovered - t_fault:.1f} s after the fault")
                    elif now - last_status >= 30:
                        last_status = time.time()
                        log("waiting for: " + "; ".join(waiting))
                elif self.generator.poll() is None or not self.drained():
                    if now - last_status >= 30:
                        last_status = time.time()
                        log(
                            "recovered; waiting for the generator to finish and every consumer to reach the end offsets"
                        )
                if t_recovered is not None and self.generator.poll() is not None and self.drained():
                    break
            time.sleep(1)
        else:
            raise ChaosError(f"not drained within {RUN_TIMEOUT_S} s (recovered: {t_recovered is not None})")
        if self.generator.returncode != 0:
            raise ChaosError(
                f"the generator failed (exit {self.generator.returncode}), see {self.logs / 'generator.log'}"
            )
        self.result["recovery_s"] = round(t_recovered - t_fault, 1)
        log("drained: loader and Flink groups at the end offsets; stopping the loader, stop --drain of the Flink jobs")
        self.loader_stopped = True
        self.loader.stop()
        for job in FLINK_JOBS:
            self.flink.stop_with_drain(job)
        if self.fault == "spark-metrics":
            self.result["recovery_s"] = run_spark_metrics_fault(self.args, self.logs)
        self.check()
        self.result["loader_submissions"] = self.loader.starts
        self.result["flink_submissions"] = self.flink.submissions
        self.result["run_s"] = round(time.time() - t_start, 1)
        return self.result

    def check(self):
        poison_coords = {coords for _, coords, _, _ in self.poison}
        kafka = read_back_topics(exclude=poison_coords)
        summary = self.generator_summary()
        for t in EVENT_TOPICS:
            events, dups, malformed, records = summary.get(t, (None,) * 4)
            got = (len(kafka[t]["ids"]), len(kafka[t]["malformed"]), kafka[t]["records"])
            if got != (events, malformed, records):
                raise ChaosError(
                    f"{t}: Kafka holds (distinct events, malformed, records) {got}, the generator"
                    f" reported {(events, malformed, records)}"
                )
        expected = {(i, t) for t in EVENT_TOPICS for i in kafka[t]["ids"]}
        malformed = set().union(*(kafka[t]["malformed"] for t in EVENT_TOPICS)) | poison_coords
        rows, dead, dead_rows = raw_rows()
        loaded = set(rows)
        lost = len(expected - loaded) + len(malformed - dead)
        duplicated = (
            (len(rows) - len({i for i, _ in rows}))
            + len(loaded - expected)
            + len(dead - malformed)
            + (dead_rows - len(dead))
        )
        self.result.update(
            {
                "events": len(expected),
                "malformed": len(malformed),
                "raw_rows": len(rows),
                "dead_letters": dead_rows,
                "raw_lost": lost,
                "raw_duplicated": duplicated,
                "late_events_flink": sql("SELECT count(*) FROM late_events WHERE engine = 'flink'")[0][0],
            }
        )
        if self.fault == "poison":
            wrong = check_poison(self.poison)
            self.result["poison_records"] = len(self.poison)
            self.result["poison_wrong"] = wrong
            if wrong:
                raise ChaosError("poison: " + "; ".join(wrong))
            # Nothing was killed: a consumer that had to be resubmitted failed on a poison record.
            if self.flink.submissions != len(FLINK_JOBS) or self.loader.starts != 1:
                raise ChaosError(
                    f"poison: a consumer failed ({self.flink.submissions} Flink submissions,"
                    f" {self.loader.starts} loader starts)"
                )
        out = subprocess.run([PIPELINE, "verify"], capture_output=True, text=True, timeout=600)
        (self.logs / "verify.log").write_text(out.stdout + out.stderr)
        different = 0
        for m in re.finditer(r"(\w+): compared=(\d+) equal=(\d+) different=(\d+) missing=\{([^}]*)\}", out.stdout):
            different += int(m.group(4)) + sum(int(v) for v in re.findall(r"=(\d+)", m.group(5)))
            self.result[f"compared_{m.group(1)}"] = int(m.group(2))
        if out.returncode not in (0, 1) or not any(k.startswith("compared_") for k in self.result):
            raise ChaosError(f"./pipeline verify did not run (exit {out.returncode}), see {self.logs / 'verify.log'}")
        self.result["metric_different"] = different
        self.result["verify_exit"] = out.returncode


def reset(flink):
    """An empty pipeline on the running stack: the catalogue (topic and table) stays."""
    pipeline("up", timeout=300)  # a fault that did not recover must not break the next one
    flink.cancel_all()
    reset_topics()
    sql("TRUNCATE " + ", ".join(TRUNCATED), fetch=False)
    for d in (LOADER_CHECKPOINT, FLINK_CHECKPOINTS, FLINK_SAVEPOINTS):
        subprocess.run(["rm", "-rf", str(d)], check=True)


def spark_metrics_available():
    """The Spark metric jobs are on this branch: their package and `./pipeline metrics --engine spark`."""
    package = ROOT / "spark-jobs" / "src" / "main" / "java" / "io" / "cinestream" / "spark" / "metrics"
    return package.is_dir() and "(flink only)" not in Path(PIPELINE).read_text()


def run_spark_metrics_fault(args, logs):
    """SIGKILL of the Spark metric driver a seeded 5-20 s into `./pipeline metrics --engine spark --bounded`, then
    the operator's rerun; `verify` then compares spark too. Returns seconds from the kill to the rerun's end."""
    rng = random.Random(f"{args.seed}:spark-metrics")
    proc = subprocess.Popen(
        [PIPELINE, "metrics", "--engine", "spark", "--bounded"],
        stdout=open(logs / "spark-1.log", "w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    kill_after = rng.uniform(5, 20)
    time.sleep(kill_after)
    drivers = [int(p.name) for p in Path("/proc").iterdir() if p.name.isdigit() and _is_spark_metrics(p)]
    if not drivers or proc.poll() is not None:
        raise ChaosError("the Spark metric driver was not running at the kill point")
    t_fault = time.time()
    for pid in drivers:
        os.kill(pid, signal.SIGKILL)
    log(f"SIGKILL Spark metric driver(s) {drivers} {kill_after:.0f} s into the run")
    proc.wait()
    rerun = subprocess.run(
        [PIPELINE, "metrics", "--engine", "spark", "--bounded"],
        stdout=open(logs / "spark-2.log", "w"),
        stderr=subprocess.STDOUT,
    )
    if rerun.returncode != 0:
        raise ChaosError(f"rerun of ./pipeline metrics --engine spark failed, see {logs / 'spark-2.log'}")
    return round(time.time() - t_fault, 1)


def _is_spark_metrics(proc_dir):
    try:
        cmdline = (proc_dir / "cmdline").read_bytes()
    except OSError:
        return False
    return (
        b"SparkSubmit" in cmdline
        and b"io.cinestream.spark.metrics" in cmdline
        and str(HOME).encode() in (proc_dir / "environ").read_bytes()
    )


# --- report -------------------------------------------------------------------------------------------
COLUMNS = ["fault", "recovery s", "raw rows lost", "raw rows duplicated", "metric rows different"]


def row(r):
    if "skipped" in r:
        return [r["fault"], "skipped", "-", "-", r["skipped"]]
    if "error" in r:
        return [r["fault"], "FAILED", "-", "-", r["error"].splitlines()[0][:120]]
    return [
        r["fault"],
        f"{r['recovery_s']:.1f}",
        str(r["raw_lost"]),
        str(r["raw_duplicated"]),
        str(r["metric_different"]),
    ]


def report(results, args, started):
    stamp = started.strftime("%Y%m%dT%H%M%SZ")
    out_dir = ROOT / "reports" / "chaos"
    out_dir.mkdir(parents=True, exist_ok=True)
    lines = [
        f"# Chaos run {stamp}",
        "",
        f"Workload: {args.users} users over {args.hours} h, seed {args.seed}, 1 % duplicates, 0.1 % malformed,"
        f" paced over ~{args.generate_seconds} s; loader micro-batches every 2 s, Flink checkpoints every"
        f" {CHECKPOINT_INTERVAL}.",
        "",
        "| " + " | ".join(COLUMNS) + " |",
        "|" + "---|" * len(COLUMNS),
    ]
    lines += ["| " + " | ".join(row(r)) + " |" for r in results]
    lines += ["", "Details per fault (JSON has all fields):", ""]
    for r in results:
        if "recovery_s" in r:
            lines.append(
                f"- {r['fault']}: {r['events']} events + {r['malformed']} malformed; fault with"
                f" {r['records_in_kafka_at_fault']} records in Kafka (generator running:"
                f" {r['generator_running_at_fault']}); service back {r.get('service_back_s')} s; loader"
                f" submissions {r['loader_submissions']}, Flink submissions {r['flink_submissions']};"
                f" Flink late events {r['late_events_flink']}; run {r['run_s']} s"
            )
    text = "\n".join(lines) + "\n"
    (out_dir / f"{stamp}.md").write_text(text)
    (out_dir / f"{stamp}.json").write_text(json.dumps({"args": vars(args), "results": results}, indent=2) + "\n")
    return text, out_dir / f"{stamp}.md"


def main():
    p = argparse.ArgumentParser(prog="./pipeline chaos", description=__doc__.split("\n")[0])
    p.add_argument("--seed", type=int, default=42, help="seed of the workload and of the fault points (default 42)")
    p.add_argument("--users", type=int, default=2000, help="users of the workload (default 2000)")
    p.add_argument("--hours", type=float, default=6, help="hours of event time of the workload (default 6)")
    p.add_argument("--only", default=",".join(FAULTS), help=f"comma-separated faults among {','.join(FAULTS)}")
    p.add_argument(
        "--generate-seconds",
        type=float,
        default=None,
        help="wall time the workload is paced over (default: 60 s, 30 s below 1 MB of records)",
    )
    args = p.parse_args()
    faults = [f.strip() for f in args.only.split(",") if f.strip()]
    unknown = [f for f in faults if f not in FAULTS]
    if unknown:
        p.error(f"unknown fault(s) {unknown}; choose among {FAULTS}")
    estimate = estimated_records(args.users, args.hours) * BYTES_PER_RECORD
    if args.generate_seconds is None:
        args.generate_seconds = 60 if estimate > 1e6 else 30
    started = datetime.datetime.now(datetime.UTC)
    LOGS.mkdir(parents=True, exist_ok=True)

    print("==> Chaos: stack up, catalogue, produce quota", flush=True)
    pipeline("up", timeout=600)
    if sql("SELECT count(*) FROM movies_catalog")[0][0] == 0:
        pipeline("catalog", timeout=900)
    rate = max(1000, estimate / args.generate_seconds)
    subprocess.run(
        [
            "java",
            "-cp",
            ENV["DEVSTACK_CP"],
            str(ROOT / "tests" / "chaos" / "ProducerQuota.java"),
            BOOTSTRAP,
            GENERATOR_CLIENT_ID,
            str(int(rate)),
        ],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    results = []
    for fault in faults:
        print(f"==> Chaos: {fault}", flush=True)
        t0 = time.time()
        try:
            if fault == "spark-metrics":
                if not spark_metrics_available():
                    results.append({"fault": fault, "skipped": "Spark metric jobs not on this branch"})
                    log("skipped: Spark metric jobs not on this branch")
                    continue
            run = FaultRun(fault, args)
            try:
                result = run.run()
            finally:
                run.loader_stopped = True
                run.loader.stop()  # never leave a loader behind on the next fault's checkpoint
                if run.generator_proc_alive():
                    run.generator.kill()
        except ChaosError as e:
            result = {"fault": fault, "error": str(e)}
            log(f"FAILED: {e}")
        except Exception as e:  # a broken step must still leave a report
            result = {"fault": fault, "error": f"{type(e).__name__}: {e}"}
            log(f"FAILED: {type(e).__name__}: {e}")
        results.append(result)
        if "error" not in result:
            log(
                f"{fault}: recovery {result['recovery_s']} s, lost {result['raw_lost']}, duplicated"
                f" {result['raw_duplicated']}, metric rows different {result['metric_different']}"
                f" ({time.time() - t0:.0f} s)"
            )
    text, path = report(results, args, started)
    print("\n" + text + f"\nReport: {path.relative_to(ROOT)} (+ .json); logs under {LOGS}", flush=True)
    bad = [
        r
        for r in results
        if "error" in r or ("recovery_s" in r and (r["raw_lost"] or r["raw_duplicated"] or r["metric_different"]))
    ]
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
