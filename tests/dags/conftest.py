"""Airflow settings for DAG tests, set before anything imports airflow.

pytest imports every conftest before any test module, so this runs first when the DAG
tests are collected: a temporary AIRFLOW_HOME (its own SQLite metadata DB), no example
DAGs, and the repository's dags/ as the DAGs folder. A real AIRFLOW_HOME or metadata
database of the machine is never touched.
"""

from __future__ import annotations

import atexit
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
DAGS = REPO / "dags"


def airflow_test_env() -> str:
    """Point Airflow at a private home once per process; the home's path."""
    home = os.environ.get("HUB_TEST_AIRFLOW_HOME")
    if home is None:
        if "airflow" in sys.modules:
            raise pytest.UsageError("airflow was imported before the DAG tests configured it")
        home = tempfile.mkdtemp(prefix="hub-airflow-")
        atexit.register(shutil.rmtree, home, ignore_errors=True)
        os.environ["HUB_TEST_AIRFLOW_HOME"] = home
    os.environ["AIRFLOW_HOME"] = home
    os.environ["AIRFLOW__CORE__LOAD_EXAMPLES"] = "False"
    os.environ["AIRFLOW__CORE__DAGS_FOLDER"] = str(DAGS)
    os.environ.pop("AIRFLOW__DATABASE__SQL_ALCHEMY_CONN", None)
    return home


airflow_test_env()


@pytest.fixture(scope="session")
def airflow_home() -> Iterator[Path]:
    """The private AIRFLOW_HOME, checked to be the one airflow.settings read."""
    from airflow import settings

    home = Path(os.environ["HUB_TEST_AIRFLOW_HOME"])
    assert Path(settings.AIRFLOW_HOME) == home
    assert Path(settings.DAGS_FOLDER) == DAGS
    return home
