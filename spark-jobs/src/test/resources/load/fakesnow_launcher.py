"""Starts the fakesnow server (Snowflake emulator) for the loader's MERGE tests.

Usage: python fakesnow_launcher.py PORT

snowflake-jdbc and spark-snowflake send ALTER SESSION SET ... statements that fakesnow rejects;
every session is therefore opened with nop_regexes that make those statements no-ops (all but
AUTOCOMMIT, which fakesnow implements). Runs until SIGTERM/SIGINT.
"""

import signal
import sys
import threading

import fakesnow
from fakesnow.instance import FakeSnow

NOP_REGEXES = [r"^\s*ALTER\s+SESSION\s+SET\s+(?!AUTOCOMMIT\b)"]

_connect = FakeSnow.connect


def _connect_ignoring_session_settings(self, database=None, schema=None, nop_regexes=None, **kwargs):
    return _connect(self, database, schema, nop_regexes=(nop_regexes or []) + NOP_REGEXES, **kwargs)


FakeSnow.connect = _connect_ignoring_session_settings


def main() -> int:
    port = int(sys.argv[1])
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    with fakesnow.server(port=port, host="127.0.0.1"):
        print(f"fakesnow listening on 127.0.0.1:{port}", flush=True)
        stop.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
