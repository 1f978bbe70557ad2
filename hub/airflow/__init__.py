"""Airflow glue: DAGs built from flow files and processes, connections, failure callbacks.

Nothing here imports Airflow at module level except `dag_factory` (which only the DAG
files import); everything that talks to a system or the state store runs inside a task.
"""
