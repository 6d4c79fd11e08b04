"""Parsing the catalogue job's data-quality summary and holding it to the thresholds."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from cinestream.quality import CatalogQuality, check_quality, parse_summary, read_summary_json


def render(figures: list[tuple[str, object]]) -> str:
    """What CatalogSummary.render() prints: '  %-40s %,d' per line (Java's %,d groups with commas)."""
    out = "movie catalogue data quality\n"
    for label, value in figures:
        text = f"{value:,}" if isinstance(value, int) else value
        out += f"  {label:<40} {text}\n"
    return out


SAMPLE = render(
    [
        ("records read", 8701),
        ("usable records", 8690),
        ("distinct products", 7402),
        ("merged duplicates", 1288),
        ("priced records (list price > 0)", 6494),
        ("priced products (list price > 0)", 5600),
        ("list price cents/amount disagreements", 3),
        ("quarantined", 11),
        ("  quarantined: no_title", 9),
        ("  quarantined: unparseable_list_price", 2),
        ("max list price", "999.99"),
    ]
)


def test_parses_every_figure_of_the_summary_inside_the_pipeline_output():
    output = "==> Movie catalogue: ...\n    ✓ spark-submit (41s)\n" + SAMPLE
    quality = parse_summary(output)
    assert quality == CatalogQuality(
        records_read=8701,
        usable_records=8690,
        distinct_products=7402,
        merged_duplicates=1288,
        priced_records=6494,
        priced_products=5600,
        list_price_disagreements=3,
        quarantined=11,
        quarantined_by_reason={"no_title": 9, "unparseable_list_price": 2},
        max_list_price_dollars=Decimal("999.99"),
    )


# From `./pipeline airflow dags test movie_catalog` on data/Movies.txt (the task's return value;
# only the first line is shortened: "-> Kafka movies_catalog_enriched + warehouse movies_catalog").
REAL_RUN = """==> Movie catalogue: /tmp/airflow-home/incoming/Movies-2026-11-23.txt -> Kafka ...
    ✓ spark-submit io.cinestream.spark.catalog.MovieCatalogJob (34s)
movie catalogue data quality
  records read                             8,701
  usable records                           8,701
  distinct products                        7,392
  merged duplicates                        1,309
  priced records (list price > 0)          6,494
  priced products (list price > 0)         5,306
  list price cents/amount disagreements    0
  quarantined                              0
  max list price                           999.99
"""


def test_parses_the_output_of_a_real_run_and_it_passes():
    quality = parse_summary(REAL_RUN)
    assert (quality.records_read, quality.usable_records, quality.distinct_products) == (8701, 8701, 7392)
    assert (quality.merged_duplicates, quality.priced_records, quality.priced_products) == (1309, 6494, 5306)
    assert (quality.list_price_disagreements, quality.quarantined, quality.quarantined_by_reason) == (0, 0, {})
    assert quality.max_list_price_dollars == Decimal("999.99")
    assert check_quality(quality, expected_records=8701) == []


def test_parses_counts_grouped_by_another_locale_and_a_missing_max_price():
    text = SAMPLE.replace("8,701", "8.701").replace("999.99", "-")
    quality = parse_summary(text)
    assert quality.records_read == 8701
    assert quality.max_list_price_dollars is None


def test_no_summary_or_a_missing_figure_is_an_error():
    with pytest.raises(ValueError, match="no data-quality summary"):
        parse_summary("FAILED step: catalog\n")
    truncated = "\n".join(line for line in SAMPLE.splitlines() if "usable records" not in line)
    with pytest.raises(ValueError, match="lacks usable_records"):
        parse_summary(truncated)


def test_the_sample_passes_the_default_thresholds():
    assert check_quality(parse_summary(SAMPLE), expected_records=8701) == []


def test_every_broken_threshold_is_named_with_its_figures():
    quality = parse_summary(SAMPLE)
    problems = check_quality(
        quality,
        expected_records=8700,
        thresholds={"max_quarantined_ratio": 0.001, "min_priced_ratio": 0.8, "max_list_price_dollars": 500},
    )
    # 11 / 8,701 = 0.126 %; 6,494 / 8,690 = 74.73 %.
    assert problems == [
        "records read 8,701 != 8,700 ITEM lines in the file",
        "quarantined 11 of 8,701 records (0.13%) > 0.10% {'no_title': 9, 'unparseable_list_price': 2}",
        "priced records 6,494 of 8,690 usable (74.73%) < 80.00%",
        "max list price $999.99 > $500",
    ]


def test_quarantined_total_must_match_its_reasons_and_unknown_thresholds_are_refused():
    inconsistent = parse_summary(re.sub(r"(quarantined: no_title +)9", r"\g<1>8", SAMPLE))
    assert check_quality(inconsistent, None) == [
        "quarantined 11 != sum of its reasons {'no_title': 8, 'unparseable_list_price': 2}"
    ]
    with pytest.raises(ValueError, match="unknown data-quality thresholds"):
        check_quality(inconsistent, None, {"max_quarantine": 1})


# What CatalogSummary.toJson() writes for the SAMPLE figures (CatalogSummaryTest checks the Java side).
SAMPLE_JSON = (
    '{"records_read":8701,"usable_records":8690,"distinct_products":7402,"merged_duplicates":1288,'
    '"priced_records":6494,"priced_products":5600,"list_price_disagreements":3,"quarantined":11,'
    '"quarantined_by_reason":{"no_title":9,"unparseable_list_price":2},"max_list_price_cents":99999}\n'
)


def test_json_summary_gives_the_same_figures_as_the_text():
    quality = read_summary_json(SAMPLE_JSON)
    assert quality == parse_summary(SAMPLE)
    assert quality.max_list_price_dollars == Decimal("999.99")
    assert quality.quarantined_by_reason == {"no_title": 9, "unparseable_list_price": 2}
    assert check_quality(quality, expected_records=8701) == []


def test_json_summary_without_priced_records_has_no_max_price():
    text = SAMPLE_JSON.replace('"max_list_price_cents":99999', '"max_list_price_cents":null')
    assert read_summary_json(text).max_list_price_dollars is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("records read 5", "not JSON"),
        ("[1]", "not a JSON object"),
        (SAMPLE_JSON.replace('"priced_records":6494,', ""), "lacks priced_records"),
        (SAMPLE_JSON.replace('"quarantined":11', '"quarantined":-1'), "quarantined is -1, not a count"),
        (SAMPLE_JSON.replace('"records_read":8701', '"records_read":"8701"'), "records_read is '8701', not a count"),
        (SAMPLE_JSON.replace('"no_title":9', '"no_title":1.5'), "quarantined_by_reason.no_title is 1.5"),
    ],
)
def test_invalid_json_summary_is_named(text, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        read_summary_json(text)
