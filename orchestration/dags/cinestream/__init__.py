"""Logic behind Cinestream's Airflow DAGs, in small functions testable without a scheduler.

The package lives inside the DAGs folder (which Airflow puts on ``sys.path``) so that the DAGs
find it wherever the folder is deployed, e.g. through git-sync in the cluster; ``.airflowignore``
keeps the DAG processor from parsing it for DAGs.
"""
