"""Reads the compacted ``movies_catalog_enriched`` topic back through the schema registry.

Decodes every record with confluent-kafka's ``AvroDeserializer`` (Confluent's own client, not our
serde), keeps the latest value per key, and checks it against the warehouse table
``movies_catalog``: the same set of item_ids, one latest record per product, and equal titles and
list prices (cents). Prints one summary line; exit status 1 with the differences otherwise.
"""

import argparse
import sys
import uuid

import psycopg
from confluent_kafka import DeserializingConsumer, TopicPartition
from confluent_kafka.schema_registry import SchemaRegistryClient
from confluent_kafka.schema_registry.avro import AvroDeserializer
from confluent_kafka.serialization import StringDeserializer


def read_topic(bootstrap: str, registry_url: str, topic: str) -> tuple[dict, int]:
    """Returns ({item_id: latest value}, records read) for the whole topic, up to its end offsets."""
    consumer = DeserializingConsumer(
        {
            "bootstrap.servers": bootstrap,
            "group.id": f"catalog-readback-{uuid.uuid4()}",
            "auto.offset.reset": "earliest",
            "enable.auto.commit": False,
            "key.deserializer": StringDeserializer("utf_8"),
            "value.deserializer": AvroDeserializer(SchemaRegistryClient({"url": registry_url})),
        }
    )
    meta = consumer.list_topics(topic, timeout=10).topics[topic]
    ends = {}
    for p in meta.partitions:
        _, high = consumer.get_watermark_offsets(TopicPartition(topic, p), timeout=10)
        ends[p] = high
    consumer.assign([TopicPartition(topic, p, 0) for p in meta.partitions])
    latest, read = {}, 0
    done = {p for p, end in ends.items() if end == 0}
    while len(done) < len(ends):
        msg = consumer.poll(5.0)
        if msg is None:
            raise SystemExit(f"timed out reading {topic}: {read} records read, ends {ends}")
        if msg.error():
            raise SystemExit(f"consumer error: {msg.error()}")
        read += 1
        if msg.value() is None:
            latest.pop(msg.key(), None)
        else:
            latest[msg.key()] = msg.value()
        if msg.offset() + 1 >= ends[msg.partition()]:
            done.add(msg.partition())
    consumer.close()
    return latest, read


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bootstrap", required=True)
    parser.add_argument("--registry", required=True)
    parser.add_argument("--dsn", required=True, help="libpq connection string of the warehouse")
    parser.add_argument("--topic", default="movies_catalog_enriched")
    args = parser.parse_args()

    latest, read = read_topic(args.bootstrap, args.registry, args.topic)
    with psycopg.connect(args.dsn) as conn:
        rows = conn.execute("SELECT item_id, title, list_price_cents FROM movies_catalog").fetchall()
    table = {item_id: (title, cents) for item_id, title, cents in rows}

    problems = []
    if set(latest) != set(table):
        only_topic = sorted(set(latest) - set(table))[:5]
        only_table = sorted(set(table) - set(latest))[:5]
        problems.append(f"item_ids differ: only in topic {only_topic}, only in table {only_table}")
    mismatched = [k for k, v in latest.items() if k in table and (v["title"], v["list_price_cents"]) != table[k]]
    if mismatched:
        problems.append(f"{len(mismatched)} products differ from the table, e.g. {mismatched[:5]}")
    if any(v["item_id"] != k for k, v in latest.items()):
        problems.append("a record's key is not its item_id")
    print(f"catalogue topic: {read} records read, {len(latest)} latest products; movies_catalog: {len(table)} rows")
    for p in problems:
        print("MISMATCH:", p, file=sys.stderr)
    return 1 if problems or not latest else 0


if __name__ == "__main__":
    sys.exit(main())
