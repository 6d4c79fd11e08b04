"""Scans every file git tracks for committed credentials.

Rules (a finding names file, line and rule; the value itself is never printed):

* private-key: a PEM private key block (``-----BEGIN ... PRIVATE KEY-----``);
* aws-access-key-id: an AWS access key id (``AKIA``/``ASIA`` + 16 upper-case letters or digits);
* aws-secret-access-key: ``aws_secret_access_key`` set to a 40-character value;
* password: a key naming a password (``password``, ``passwd``, ``pwd``, ``sfPassword``,
  ``SNOWFLAKE_PASSWORD``, ``*_PASSWORD``...) assigned with ``=`` or ``:`` a literal value;
* url-credentials: a URL carrying ``user`` + ``:`` + ``secret`` before ``@host``.

A password value is allowed only when it is not a secret at all: empty, a reference to the
environment or a template (``$X``, ``${X}``, ``{{ env_var(...) }}``, ``os.environ``,
``System.getenv``, ``env.get``), a ``REPLACE_ME`` placeholder, or one of ALLOWED_LITERALS below,
each documented. Exit status 1 when anything is found; ``--self-test`` checks the rules
themselves on built-in samples (each rule must fire on its positive sample and stay quiet on the
negatives).
"""

import argparse
import re
import subprocess
import sys
from pathlib import Path

# Literal "passwords" that are published, fixed credentials of local emulators, not secrets.
ALLOWED_LITERALS = {
    # fakesnow (the local Snowflake emulator, docs/production.md#snowflake) accepts any user/password; the
    # project uses user "fake" / password "snow" everywhere the emulator is addressed.
    "snow",
}

PASSWORD_KEY = r"(?:[A-Za-z_]*PASSWORD|[A-Za-z_]*[Pp]assword|passwd|PASSWD|pwd|PWD)"
RULES = [
    ("private-key", re.compile(r"-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----")),
    ("aws-access-key-id", re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b")),
    (
        "aws-secret-access-key",
        re.compile(r"(?i)aws_secret_access_key[\"']?\s*[:=]\s*[\"']?[A-Za-z0-9/+=]{40}\b"),
    ),
    # KEY=value anywhere (shell, properties, URLs, code) ...
    (
        "password",
        re.compile(r"(?<![A-Za-z0-9_.])" + PASSWORD_KEY + r"[\"']?\s*=\s*(?P<value>\"[^\"]*\"|'[^']*'|[^\s&;,)\"']*)"),
    ),
    # ... and KEY: value as a YAML key at the start of a line or a quoted JSON key (prose such as
    # "a password: not logged" is neither).
    (
        "password",
        re.compile(
            r"(?:^\s*-?\s*[\"']?|[\"'])" + PASSWORD_KEY + r"[\"']?\s*:\s*(?P<value>\"[^\"]*\"|'[^']*'|[^\s,}\"']*)"
        ),
    ),
    ("url-credentials", re.compile(r"[a-z][a-z0-9+.-]*://[^/\s:@\"']+:(?P<value>[^/\s@\"']+)@")),
]

PLACEHOLDER = re.compile(
    r"^(?:|\$.*|\{\{.*|<.*>|REPLACE_ME.*|os\.environ.*|System\.getenv.*|env\.get.*|getenv.*"
    r"|env_var.*|None|null)$"
)


def is_placeholder(value: str) -> bool:
    v = value.strip().strip("\"'").strip()
    return bool(PLACEHOLDER.match(v)) or v in ALLOWED_LITERALS


def scan_text(text: str):
    """Yields (line number, rule) for every finding in ``text``."""
    for number, line in enumerate(text.splitlines(), 1):
        for rule, pattern in RULES:
            for m in pattern.finditer(line):
                value = m.groupdict().get("value")
                if value is not None and is_placeholder(value):
                    continue
                yield number, rule


def tracked_files(root: Path):
    out = subprocess.run(["git", "-C", str(root), "ls-files", "-z"], check=True, capture_output=True).stdout
    return [root / p for p in out.decode().split("\0") if p]


def self_test() -> int:
    # Samples are assembled so that this file itself holds no match.
    begin = "-----BEGIN " + "RSA PRIVATE KEY-----"
    positives = {
        "private-key": begin,
        "aws-access-key-id": "key = AKIA" + "ABCDEFGHIJKLMNOP",
        "aws-secret-access-key": "aws_secret_access_key = " + "a" * 40,
        "password/env": "SNOWFLAKE_PASS" + "WORD=hunter2",
        "password/yaml": "  pass" + "word: hunter2",
        "password/json": '{"pass' + 'word": "hunter2"}',
        "url-credentials": "jdbc:postgresql://" + "admin:s3cret@db/x",
    }
    negatives = [
        "SNOWFLAKE_" + "PASSWORD: REPLACE_ME",
        "pass" + "word: \"{{ env_var('SNOWFLAKE_PASSWORD', '') }}\"",
        "export POSTGRES_PASS" + 'WORD="${POSTGRES_PASSWORD:-}"',
        "pass" + 'word=os.environ["SNOWFLAKE_PASSWORD"],',
        "String pass" + "word = System.getenv(PASSWORD_ENV);",
        "jdbc:snowflake://127.0.0.1:1/?account=fakesnow&user=fake&pass" + "word=snow",
        "jdbc:postgresql://127.0.0.1:5432/cinestream?user=postgres",
        "// The URL may carry a pass" + "word: not logged.",
        "SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO: REPLACE_ME_USER:REPLACE_ME_" + "PASSWORD",
    ]
    failures = []
    for rule, sample in positives.items():
        found = {r for _, r in scan_text(sample)}
        if rule.split("/")[0] not in found:
            failures.append(f"rule {rule} missed its sample")
    for sample in negatives:
        found = list(scan_text(sample))
        if found:
            failures.append(f"false positive {found} on a placeholder sample")
    for f in failures:
        print("SELF-TEST FAILED:", f, file=sys.stderr)
    print(f"secrets self-test: {len(positives) + len(negatives) - len(failures)} passed, {len(failures)} failed")
    return 1 if failures else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", default=str(Path(__file__).resolve().parent.parent))
    parser.add_argument("--self-test", action="store_true", help="check the rules themselves")
    args = parser.parse_args()
    if args.self_test:
        return self_test()
    findings = []
    files = tracked_files(Path(args.root))
    for path in files:
        try:
            data = path.read_bytes()
        except OSError:
            continue  # deleted in the work tree but still in the index
        if b"\0" in data[:8192]:
            continue  # binary
        text = data.decode("utf-8", errors="replace")
        for number, rule in scan_text(text):
            findings.append(f"{path.relative_to(args.root)}:{number}: {rule}")
    for f in findings:
        print("SECRET?", f, file=sys.stderr)
    print(f"secrets: {len(files)} tracked files scanned, {len(findings)} findings")
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())
