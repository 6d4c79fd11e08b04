#!/usr/bin/env python3
"""Rewrite citations of DESIGN.md and of old README sections in comments to the docs/ pages.

The code used to cite "DESIGN section N" / "DESIGN.md section N" (a document outside the
repository) and "README, <section>" (sections that moved to docs/). This script replaces those
citations, in comments only, with the docs page and anchor that now holds the content, e.g.
``(DESIGN section 5)`` in ``SessionTracker.java`` becomes ``(docs/metrics.md#sessions)``.

Usage: ``python3 docs/tools/cite_docs.py [--check] [ROOT]`` (ROOT defaults to the repository
root). ``--check`` rewrites nothing and exits 1 when a citation is left to rewrite. Idempotent:
a second run finds nothing. Touches only comments: Java ``//`` and ``/* */`` comments (string
and text-block literals are skipped), ``#`` comments of Python, shell, YAML, properties and the
``pipeline`` script, Python docstrings, and Markdown files outside ``docs/``. Never touches Avro
schemas (their ``doc`` is part of the registered schema), Flyway migrations (a changed file
changes its checksum) or anything under ``target/``, ``.local/``, ``data/`` or ``bench/results/``.
Prints one line per rewritten file and the number of citations.
"""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
from pathlib import Path

# DESIGN.md section -> docs page (anchor) that now holds the content.
SECTIONS = {
    "1": "docs/architecture.md#modules",
    "2": "docs/architecture.md#topics-and-schemas",
    "3": "docs/operations.md#the-movie-catalogue",
    "4": "docs/architecture.md#warehouse-tables",
    "5": "docs/metrics.md",
    "6": "docs/operations.md#events-the-generator",
    "7": "docs/architecture.md#the-local-stack",
    "8": "docs/operations.md#commands",
    "9": "docs/operations.md#testing",
}

# Section 4 cited from the Snowflake code is about the emulator split.
SNOWFLAKE_4 = "docs/production.md#what-the-emulator-does-and-does-not-test"
# Section 7 cited for the version set or the flink-sql-avro-confluent-registry trap.
VERSIONS_7 = "docs/architecture.md#version-set"

# Section 5 cited on a line that names one rule: the anchor of that rule.
LINE_ANCHORS = [
    (re.compile(r"watermark|out-of-orderness", re.I), "#watermark"),
    (re.compile(r"dedup|duplicate", re.I), "#deduplication"),
    (re.compile(r"\blate\b", re.I), "#late-events"),
]

# Section 5 cited from a file about one metric rule: the anchor of that rule.
METRIC_ANCHORS = [
    (re.compile(r"Session|Orphan|session", re.I), "#sessions"),
    (re.compile(r"Registration|Presence", re.I), "#registration-windows"),
    (re.compile(r"Sale|Cart|MovieBook|Price|Cumulative", re.I), "#movie-sales"),
    (re.compile(r"Dedup|Duplicate", re.I), "#deduplication"),
    (re.compile(r"Late", re.I), "#late-events"),
    (re.compile(r"Watermark|EventTime", re.I), "#watermark"),
    (re.compile(r"Verif|Reference", re.I), "#verification"),
]

# Old README sections cited in comments -> their docs page.
README_CITATIONS = [
    (re.compile(r"README,\s*(?:#\s*)?loader throughput"), "docs/benchmark.md#raw-loader-throughput"),
    (re.compile(r'README,?\s*(?:#\s*)?"Events: the generator"'), "docs/benchmark.md#generator-throughput"),
    (re.compile(r'README,?\s*(?:#\s*)?"?Benchmark"?'), "docs/benchmark.md"),
    (re.compile(r"README,\s*(?:#\s*)?Fault injection"), "docs/operations.md#fault-injection-pipeline-chaos"),
]

# "DESIGN section 5", "DESIGN.md sections 2 and 6", "(DESIGN\n * section 5)": the words may be
# split over two comment lines (a line break, then the comment's leader).
GAP = r"(?:[ \t]*\n[ \t]*(?:\*|//|#)?[ \t]*|[ \t]+)"
DESIGN = re.compile(r"DESIGN(?:\.md)?,?" + GAP + r"sections?" + GAP + r"(\d)(?:" + GAP + r"and" + GAP + r"(\d))?")

SKIP_DIRS = {".git", "target", ".local", "data", "node_modules", "results"}
SKIP_SUFFIXES = {".avsc", ".sql", ".class", ".jar", ".png", ".txt"}
HASH_COMMENT_SUFFIXES = {".sh", ".yaml", ".yml", ".conf", ".template", ".toml", ".properties", ".cfg"}


def target(section: str, path: Path, context: str) -> str:
    """The docs page (and anchor) for DESIGN section ``section`` cited in ``path``."""
    name = path.name
    if section == "4" and re.search(r"snowflake|fakesnow", name, re.I):
        return SNOWFLAKE_4
    if section == "4" and re.search(r"snowflake", context, re.I):
        return "docs/production.md#snowflake"
    if section == "7" and re.search(r"version|flink-sql-avro|confluent-registry|artifact|shad", context, re.I):
        return VERSIONS_7
    if section == "5":
        for pattern, anchor in LINE_ANCHORS:
            if pattern.search(context) and not re.search(r"Session|Registration|Sale|Cart", name):
                return SECTIONS["5"] + anchor
        for pattern, anchor in METRIC_ANCHORS:
            if pattern.search(name):
                return SECTIONS["5"] + anchor
    return SECTIONS[section]


def rewrite_comment(text: str, path: Path) -> tuple[str, int]:
    """Rewrites the citations in one comment's text; returns the new text and their number."""
    count = 0

    def design(m: re.Match) -> str:
        nonlocal count
        count += 1
        # The context: the lines the citation is on.
        start = text.rfind("\n", 0, m.start()) + 1
        end = text.find("\n", m.end())
        context = text[start : len(text) if end < 0 else end]
        first = target(m.group(1), path, context)
        if m.group(2):
            return first + " and " + target(m.group(2), path, context)
        return first

    text = DESIGN.sub(design, text)
    for pattern, page in README_CITATIONS:
        text, n = pattern.subn(page, text)
        count += n
    return text, count


def comment_spans_java(src: str) -> list[tuple[int, int]]:
    """Start/end offsets of the comments of Java source, skipping string, char and text blocks."""
    spans, i, n = [], 0, len(src)
    while i < n:
        if src.startswith('"""', i):
            j = src.find('"""', i + 3)
            i = n if j < 0 else j + 3
        elif src[i] in "\"'":
            q, j = src[i], i + 1
            while j < n and src[j] != q and src[j] != "\n":
                j += 2 if src[j] == "\\" else 1
            i = j + 1
        elif src.startswith("//", i):
            j = src.find("\n", i)
            j = n if j < 0 else j
            spans.append((i, j))
            i = j
        elif src.startswith("/*", i):
            j = src.find("*/", i + 2)
            j = n if j < 0 else j + 2
            spans.append((i, j))
            i = j
        else:
            i += 1
    return spans


def comment_spans_hash(src: str, docstrings: bool) -> list[tuple[int, int]]:
    """Spans of ``#`` comments (a ``#`` outside quotes on its line) and, optionally, docstrings.

    A comment block of consecutive ``#`` lines is one span, so a citation split over two comment
    lines is found.
    """
    spans: list[tuple[int, int]] = []
    offset = 0
    for line in src.splitlines(keepends=True):
        quote = None
        for k, ch in enumerate(line):
            if quote:
                if ch == quote:
                    quote = None
            elif ch in "\"'":
                quote = ch
            elif ch == "#" and (k == 0 or line[k - 1] in " \t"):
                start, end = offset + k, offset + len(line.rstrip("\n"))
                if spans and src[spans[-1][1] : start].strip() == "":
                    spans[-1] = (spans[-1][0], end)
                else:
                    spans.append((start, end))
                break
        offset += len(line)
    if docstrings:
        strings = [(m.start(), m.end()) for m in re.finditer(r'"""(.*?)"""', src, re.S)]
        # A "#" inside a docstring (Markdown headings) is not a comment of its own.
        spans = [c for c in spans if not any(a <= c[0] < b for a, b in strings)] + strings
    return sorted(spans)


def spans_for(path: Path, src: str) -> list[tuple[int, int]] | None:
    """The comment spans of a file, or None when the file is not one this script edits."""
    if path.suffix in SKIP_SUFFIXES:
        return None
    if path.suffix == ".java":
        return comment_spans_java(src)
    if path.suffix == ".py":
        return comment_spans_hash(src, docstrings=True)
    if path.suffix in HASH_COMMENT_SUFFIXES or path.name == "pipeline":
        return comment_spans_hash(src, docstrings=False)
    if path.suffix == ".md" and "docs" not in path.parts:
        return [(0, len(src))]
    return None


def rewrite_file(path: Path) -> tuple[str, int]:
    """The file's text with its comment citations rewritten, and the number of citations."""
    if path.suffix in SKIP_SUFFIXES:
        return "", 0
    try:
        src = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:  # binary
        return "", 0
    spans = spans_for(path, src)
    if not spans:
        return src, 0
    out, last, total = [], 0, 0
    for start, end in spans:
        new, count = rewrite_comment(src[start:end], path)
        out.append(src[last:start])
        out.append(new)
        last, total = end, total + count
    out.append(src[last:])
    new = "".join(out)
    if total and path.suffix not in {".java", ".md"}:
        new = wrap_long_lines(new, src, 120 if path.suffix == ".py" else 110)
    return new, total


def wrap_long_lines(new: str, old: str, width: int) -> str:
    """Wraps the lines the rewrite made longer than ``width`` (Java's Javadoc is rewrapped by the
    formatter; ``#`` comments and docstrings are not), continuing with the line's own leader."""
    before = set(old.splitlines())
    lines = []
    for line in new.splitlines(keepends=True):
        body = line.rstrip("\n")
        if len(body) <= width or body in before or "docs/" not in body:
            lines.append(line)
            continue
        leader = re.match(r"[ \t]*(?:#+[ \t]*)?", body).group(0)
        indent = leader if "#" in leader else re.match(r"[ \t]*(?:[*-] )?", body).group(0)
        indent = " " * len(indent) if "#" not in indent else indent
        wrapped = textwrap.wrap(
            body[len(leader) :],
            width=width,
            initial_indent=leader,
            subsequent_indent=indent,
            break_long_words=False,
            break_on_hyphens=False,
        )
        lines.append("\n".join(wrapped) + line[len(body) :])
    return "".join(lines)


def tracked_files(root: Path) -> list[Path]:
    """Files tracked by git under ``root`` that no skip rule excludes."""
    names = subprocess.run(["git", "-C", str(root), "ls-files"], check=True, capture_output=True, text=True)
    files = []
    for name in names.stdout.splitlines():
        p = root / name
        if SKIP_DIRS.intersection(Path(name).parts[:-1]) or not p.is_file():
            continue
        files.append(p)
    return files


def main(argv: list[str]) -> int:
    check = "--check" in argv
    args = [a for a in argv if a != "--check"]
    root = Path(args[0]) if args else Path(__file__).resolve().parents[2]
    total = 0
    for path in tracked_files(root):
        if path.resolve() == Path(__file__).resolve():
            continue
        new, count = rewrite_file(path)
        if count:
            total += count
            print(f"{path.relative_to(root)}: {count}")
            if not check:
                path.write_text(new, encoding="utf-8")
    verb = "left to rewrite" if check else "rewritten"
    print(f"{total} citation(s) {verb}")
    return 1 if check and total else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
