"""The dbt CI steps, in one Python process (one dbt start-up and one parse instead of five).

Called by ci/test.sh, which sets the connection environment and the scratch database. Steps:
fixtures -> dbt build -> the test of the tests (an orphan user_id must make the relationships
test fail, and removing it must make it pass). Prints `dbt: N passed, M failed` last.
"""

import os
import subprocess
import sys
import time
from pathlib import Path

from dbt.cli.main import dbtRunner

DBT_DIR = Path(__file__).resolve().parents[1]
ORPHAN_TEST = "relationships_fct_item_views_user_id_in_dim_user"
PASSED = {"success", "pass"}


class Ci:
    def __init__(self) -> None:
        self.work = Path(os.environ["DBT_CI_WORK"])
        self.database = os.environ["POSTGRES_DB"]
        self.passed = 0
        self.failed = 0
        self.runner = dbtRunner()
        # dbt's own output goes to the log file only; this script reports what matters.
        self.flags = ["--log-level", "none", "--log-level-file", "debug", "--log-path", str(self.work / "logs")]

    def fail(self, message: str) -> None:
        print(f"FAILED: {message}", file=sys.stderr)
        self.failed += 1

    def warehouse(self, *args: str) -> bool:
        log = self.work / "fixtures.log"
        with log.open("a") as out:
            rc = subprocess.call(
                [sys.executable, str(DBT_DIR / "fixtures" / "warehouse.py"), *args], stdout=out, stderr=out
            )
        if rc != 0:
            self.fail(f"warehouse.py {' '.join(args)} (exit {rc}); log: {log}")
            print(log.read_text()[-3000:], file=sys.stderr)
        return rc == 0

    def dbt(self, *args: str):
        return self.runner.invoke([*args, "--target", "postgres", *self.flags])

    @staticmethod
    def not_passed(result) -> list:
        nodes = getattr(result.result, "results", None) or []
        return [r for r in nodes if str(r.status) not in PASSED]

    def run(self) -> None:
        start = time.monotonic()
        fixtures = DBT_DIR / "fixtures"
        if not (
            self.warehouse("create-db", self.database)
            and self.warehouse("run-sql", self.database, str(fixtures / "raw_fixture.sql"))
        ):
            return
        print("  fixtures loaded")

        parsed = self.dbt("parse")
        if not parsed.success:
            self.fail(f"dbt parse: {parsed.exception}; log: {self.work / 'logs' / 'dbt.log'}")
            return
        self.runner = dbtRunner(manifest=parsed.result)

        # 1. the build: every model, unit test and data test
        build = self.dbt("build", "--full-refresh")
        nodes = getattr(build.result, "results", None) or []
        bad = self.not_passed(build)
        self.passed += len(nodes) - len(bad)
        self.failed += len(bad)
        if not build.success or bad or not nodes:
            skipped = [r for r in bad if str(r.status) == "skipped"]
            for r in bad:
                if r not in skipped:
                    print(f"  {r.status}: {r.node.unique_id}: {(r.message or '').strip()[:300]}", file=sys.stderr)
            if skipped:
                print(f"  ({len(skipped)} nodes skipped after those failures)", file=sys.stderr)
            if build.exception:
                print(f"  {build.exception}", file=sys.stderr)
            self.fail(f"dbt build; log: {self.work / 'logs' / 'dbt.log'}")
            return
        print(f"  dbt build: {len(nodes)} nodes passed")

        # 2. the test of the tests
        planted = self.warehouse("run-sql", self.database, str(fixtures / "plant_orphan.sql"))
        run = self.dbt("run", "--select", "fct_item_views") if planted else None
        test = self.dbt("test", "--select", ORPHAN_TEST)
        results = getattr(test.result, "results", None) or []
        if (
            run is not None and run.success and not test.success and len(results) == 1
            and str(results[0].status) == "fail" and results[0].failures == 1
        ):
            print(f"  test of the tests: {ORPHAN_TEST} fails on the planted orphan user_id (as it must)")
        else:
            self.fail(f"{ORPHAN_TEST} did not fail on a planted orphan user_id")

        removed = self.warehouse("run-sql", self.database, str(fixtures / "remove_orphan.sql"))
        rebuilt = self.dbt("run", "--select", "fct_item_views", "--full-refresh") if removed else None
        test = self.dbt("test", "--select", ORPHAN_TEST)
        if rebuilt is not None and rebuilt.success and test.success:
            print(f"  test of the tests: {ORPHAN_TEST} passes again once the orphan is removed")
        else:
            self.fail(f"{ORPHAN_TEST} does not pass again after removing the orphan")
        print(f"  {time.monotonic() - start:.0f}s")


def main() -> int:
    ci = Ci()
    try:
        ci.run()
    except Exception as error:  # a crash is a failure with its cause, never a silent pass
        ci.fail(f"{type(error).__name__}: {error}")
    print(f"dbt: {ci.passed} passed, {ci.failed} failed")
    return 0 if ci.failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
