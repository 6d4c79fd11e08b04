"""The catalogue job's data-quality summary: reading it and checking it.

The DAG reads the JSON summary the job writes with ``--summary-json FILE``
(``CatalogSummary.toJson()``, :func:`read_summary_json`). :func:`parse_summary` reads the text
it prints, for output kept from runs before the JSON summary existed.

``MovieCatalogJob`` prints ``CatalogSummary.render()`` (spark-jobs,
``io/cinestream/spark/catalog/CatalogSummary.java``)::

    movie catalogue data quality
      records read                             8,701
      usable records                           8,701
      distinct products                        7,392
      ...
      quarantined                              0
      max list price                           999.99

(one more line ``    quarantined: <reason>  <count>`` per quarantine reason when there are any).

Counts use Java's ``%,d`` (grouping separators of the JVM's locale); the max list price is
dollars with two decimals, or ``-`` when no record is priced.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

HEADER = "movie catalogue data quality"

#: Printed label -> field of :class:`CatalogQuality`.
LABELS = {
    "records read": "records_read",
    "usable records": "usable_records",
    "distinct products": "distinct_products",
    "merged duplicates": "merged_duplicates",
    "priced records (list price > 0)": "priced_records",
    "priced products (list price > 0)": "priced_products",
    "list price cents/amount disagreements": "list_price_disagreements",
    "quarantined": "quarantined",
}
_QUARANTINE_PREFIX = "quarantined: "
_LINE = re.compile(r"^\s+(\S.*?)\s{2,}(\S+)\s*$")
_GROUPING = re.compile(r"[,.'\u00a0\u202f ]")

#: Thresholds of :func:`check_quality`; override any of them with the Variable ``cinestream_catalog_dq``.
DEFAULT_THRESHOLDS: dict[str, float] = {
    # A delivery with less is a truncated export, not a catalogue.
    "min_records_read": 1,
    # Quarantined / read. Movies.txt quarantines none; 5 % means a broken export.
    "max_quarantined_ratio": 0.05,
    # Priced records / usable records. Movies.txt: 6,494 of 8,701 (75 %); half means prices were lost.
    "min_priced_ratio": 0.5,
    # Highest list price, dollars: the shop sells nothing above this (Movies.txt: 999.99).
    "max_list_price_dollars": 10_000,
}


@dataclass(frozen=True)
class CatalogQuality:
    """The figures of one data-quality summary (names as in ``CatalogSummary``).

    :param quarantined_by_reason: quarantined record count per reason code (e.g. ``no_title``)
    :param max_list_price_dollars: highest list price in dollars, None when nothing is priced
    """

    records_read: int
    usable_records: int
    distinct_products: int
    merged_duplicates: int
    priced_records: int
    priced_products: int
    list_price_disagreements: int
    quarantined: int
    quarantined_by_reason: dict[str, int] = field(default_factory=dict)
    max_list_price_dollars: Decimal | None = None


def parse_summary(output: str) -> CatalogQuality:
    """Finds and parses the data-quality summary in the catalogue job's output.

    :param output: everything the job (or ``./pipeline catalog``) printed; the last summary wins
    :return: the figures
    :raises ValueError: when there is no summary, a figure is missing or a value is not a number
        (names the line)
    """
    start = output.rfind(HEADER)
    if start < 0:
        raise ValueError(f"no data-quality summary ('{HEADER}') in the catalogue job's output")
    values: dict[str, object] = {}
    by_reason: dict[str, int] = {}
    for line in output[start:].splitlines()[1:]:
        match = _LINE.match(line)
        if not match:
            break
        label, value = match.groups()
        if label == "max list price":
            values["max_list_price_dollars"] = None if value == "-" else _decimal(line, value)
        elif label.startswith(_QUARANTINE_PREFIX):
            by_reason[label[len(_QUARANTINE_PREFIX) :]] = _count(line, value)
        elif label in LABELS:
            values[LABELS[label]] = _count(line, value)
    missing = [name for name in [*LABELS.values(), "max_list_price_dollars"] if name not in values]
    if missing:
        raise ValueError(f"data-quality summary lacks {', '.join(missing)}")
    return CatalogQuality(quarantined_by_reason=by_reason, **values)


#: Keys of the JSON summary that are counts (the fields of :class:`CatalogQuality` of the same name).
JSON_COUNTS = (*LABELS.values(),)


def read_summary_json(text: str) -> CatalogQuality:
    """Reads the JSON summary of ``MovieCatalogJob --summary-json`` (``CatalogSummary.toJson()``).

    :param text: the file's content: an object with the counts of :data:`JSON_COUNTS`,
        ``quarantined_by_reason`` (reason code -> count) and ``max_list_price_cents`` (whole
        cents, or null when nothing is priced)
    :return: the figures (the max list price converted to dollars, two decimals)
    :raises ValueError: when the text is not JSON, or a figure is missing or not a whole number >= 0
        (names the key)
    """
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        raise ValueError(f"data-quality summary: not JSON ({e})") from e
    if not isinstance(data, dict):
        raise ValueError("data-quality summary: not a JSON object")

    def count(key: str, value: object) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ValueError(f"data-quality summary: {key} is {value!r}, not a count")
        return value

    missing = [k for k in (*JSON_COUNTS, "quarantined_by_reason", "max_list_price_cents") if k not in data]
    if missing:
        raise ValueError(f"data-quality summary lacks {', '.join(missing)}")
    by_reason = data["quarantined_by_reason"]
    if not isinstance(by_reason, dict):
        raise ValueError("data-quality summary: quarantined_by_reason is not an object")
    cents = data["max_list_price_cents"]
    return CatalogQuality(
        **{k: count(k, data[k]) for k in JSON_COUNTS},
        quarantined_by_reason={str(r): count(f"quarantined_by_reason.{r}", n) for r, n in by_reason.items()},
        max_list_price_dollars=None if cents is None else Decimal(count("max_list_price_cents", cents)).scaleb(-2),
    )


def check_quality(
    quality: CatalogQuality, expected_records: int | None, thresholds: Mapping[str, float] | None = None
) -> list[str]:
    """Holds a summary to the thresholds.

    Rules: ``records_read`` equals ``expected_records`` (the ``ITEM`` lines counted before the
    job: a difference means the job split records differently from the file's headers);
    ``records_read >= min_records_read``; ``quarantined / records_read <= max_quarantined_ratio``;
    ``priced_records / usable_records >= min_priced_ratio``; ``max list price <=
    max_list_price_dollars``; ``quarantined`` equals the sum of its reasons.

    :param quality: the parsed summary
    :param expected_records: ITEM lines of the input, or None to skip that rule
    :param thresholds: overrides of :data:`DEFAULT_THRESHOLDS` (unknown keys are an error)
    :return: one sentence per broken rule, with the figures; empty when all pass
    :raises ValueError: on an unknown threshold name
    """
    limits = dict(DEFAULT_THRESHOLDS)
    unknown = set(thresholds or {}) - set(limits)
    if unknown:
        raise ValueError(f"unknown data-quality thresholds {sorted(unknown)}; known: {sorted(limits)}")
    limits.update(thresholds or {})
    problems = []
    q = quality
    if expected_records is not None and q.records_read != expected_records:
        problems.append(f"records read {q.records_read:,} != {expected_records:,} ITEM lines in the file")
    if q.records_read < limits["min_records_read"]:
        problems.append(f"records read {q.records_read:,} < minimum {limits['min_records_read']:,.0f}")
    if q.quarantined != sum(q.quarantined_by_reason.values()):
        problems.append(f"quarantined {q.quarantined:,} != sum of its reasons {q.quarantined_by_reason}")
    if q.records_read and q.quarantined / q.records_read > limits["max_quarantined_ratio"]:
        problems.append(
            f"quarantined {q.quarantined:,} of {q.records_read:,} records "
            f"({q.quarantined / q.records_read:.2%}) > {limits['max_quarantined_ratio']:.2%} {q.quarantined_by_reason}"
        )
    if q.usable_records and q.priced_records / q.usable_records < limits["min_priced_ratio"]:
        problems.append(
            f"priced records {q.priced_records:,} of {q.usable_records:,} usable "
            f"({q.priced_records / q.usable_records:.2%}) < {limits['min_priced_ratio']:.2%}"
        )
    if q.max_list_price_dollars is not None and q.max_list_price_dollars > Decimal(
        str(limits["max_list_price_dollars"])
    ):
        problems.append(f"max list price ${q.max_list_price_dollars} > ${limits['max_list_price_dollars']:,}")
    return problems


def _count(line: str, value: str) -> int:
    digits = _GROUPING.sub("", value)
    if not digits.isdigit():
        raise ValueError(f"data-quality summary: not a count in {line.strip()!r}")
    return int(digits)


def _decimal(line: str, value: str) -> Decimal:
    try:
        return Decimal(value)
    except ArithmeticError as e:
        raise ValueError(f"data-quality summary: not an amount in {line.strip()!r}") from e
