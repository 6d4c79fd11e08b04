"""Logic behind Cinestream's Airflow DAGs, in small functions testable without a scheduler.

The package lives inside the DAGs folder (which Airflow puts on ``sys.path``) so that the DAGs
find it wherever the folder is deployed, e.g. through git-sync in the cluster; ``.airflowignore``
keeps the DAG processor from parsing it for DAGs.

The launch commands come from the ops package (``ops/cinestream_ops``) of the checkout this folder
belongs to, put on ``sys.path`` here (it needs only click, which Airflow ships).
"""

import sys
from pathlib import Path

_OPS = Path(__file__).resolve().parents[3] / "ops"
if _OPS.is_dir() and str(_OPS) not in sys.path:
    sys.path.append(str(_OPS))
