"""Confluent's own Python client as the interoperability oracle of our registry and serde.

Two modes, both talking to a real broker and registry:

* ``produce``: sends ``--count`` deterministic ``consumer_registration`` records with
  confluent-kafka's ``AvroSerializer`` (auto-registering the schema with ``SchemaRegistryClient``)
  and prints each record it sent as one JSON line.
* ``consume``: reads ``--count`` records from the start of ``--topic`` with ``AvroDeserializer``
  and prints each decoded record as one JSON line.

JSON shape of a line: the Avro fields by name; ``timestamp`` as epoch milliseconds (UTC),
``event_id`` as the UUID text, enums as their symbol. Exit status 1 when fewer records arrive
within ``--timeout`` seconds, with the reason on stderr.
"""

import argparse
import datetime
import json
import sys
import uuid

from confluent_kafka import DeserializingConsumer, SerializingProducer
from confluent_kafka.schema_registry import SchemaRegistryClient
from confluent_kafka.schema_registry.avro import AvroDeserializer, AvroSerializer
from confluent_kafka.serialization import StringDeserializer, StringSerializer

EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)


def expected_record(i: int) -> dict:
    """The i-th record ``produce`` sends: every field derived from ``i`` so both sides can check it."""
    return {
        "event_id": str(uuid.UUID(int=0x1234_0000_0000_4000_8000_0000_0000_0000 + i)),
        "timestamp": 1_763_900_000_000 + i * 1_000,
        "event_name": "consumer_registration",
        "user_id": 100_000 + i,
        "age": 18 + i % 78,
        "masked_email": f"****@domain{i % 7}.example",
        "preferred_language": ["eng", "geo", "ll"][i % 3],
    }


def to_json(record: dict) -> str:
    """Renders a decoded record as one JSON line (uuid -> text, datetime -> epoch ms)."""
    out = {}
    for key, value in record.items():
        if isinstance(value, uuid.UUID):
            value = str(value)
        elif isinstance(value, datetime.datetime):
            value = (value - EPOCH) // datetime.timedelta(milliseconds=1)
        out[key] = value
    return json.dumps(out, sort_keys=True)


def produce(args: argparse.Namespace) -> int:
    registry = SchemaRegistryClient({"url": args.registry})
    with open(args.schema, encoding="utf-8") as f:
        schema_str = f.read()
    producer = SerializingProducer(
        {
            "bootstrap.servers": args.bootstrap,
            "key.serializer": StringSerializer("utf_8"),
            "value.serializer": AvroSerializer(registry, schema_str),
            "acks": "all",
            "enable.idempotence": True,
        }
    )
    for i in range(args.count):
        record = expected_record(i)
        value = dict(record)
        value["event_id"] = uuid.UUID(record["event_id"])
        value["timestamp"] = EPOCH + datetime.timedelta(milliseconds=record["timestamp"])
        producer.produce(topic=args.topic, key=str(record["user_id"]), value=value)
        print(json.dumps(record, sort_keys=True))
    remaining = producer.flush(args.timeout)
    if remaining:
        print(f"{remaining} records not acknowledged within {args.timeout}s", file=sys.stderr)
        return 1
    return 0


def consume(args: argparse.Namespace) -> int:
    registry = SchemaRegistryClient({"url": args.registry})
    consumer = DeserializingConsumer(
        {
            "bootstrap.servers": args.bootstrap,
            "group.id": f"confluent-interop-{uuid.uuid4()}",
            "auto.offset.reset": "earliest",
            "enable.auto.commit": False,
            "key.deserializer": StringDeserializer("utf_8"),
            "value.deserializer": AvroDeserializer(registry),
        }
    )
    consumer.subscribe([args.topic])
    seen = 0
    deadline = datetime.datetime.now() + datetime.timedelta(seconds=args.timeout)
    try:
        while seen < args.count and datetime.datetime.now() < deadline:
            msg = consumer.poll(1.0)
            if msg is None:
                continue
            if msg.error():
                print(f"consumer error: {msg.error()}", file=sys.stderr)
                return 1
            print(to_json(msg.value()))
            seen += 1
    finally:
        consumer.close()
    if seen < args.count:
        print(f"only {seen} of {args.count} records within {args.timeout}s", file=sys.stderr)
        return 1
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=["produce", "consume"])
    parser.add_argument("--bootstrap", required=True)
    parser.add_argument("--registry", required=True)
    parser.add_argument("--topic", required=True)
    parser.add_argument("--count", type=int, required=True)
    parser.add_argument("--schema", help="the .avsc to produce with (produce mode)")
    parser.add_argument("--timeout", type=float, default=30.0)
    args = parser.parse_args()
    return produce(args) if args.mode == "produce" else consume(args)


if __name__ == "__main__":
    sys.exit(main())
