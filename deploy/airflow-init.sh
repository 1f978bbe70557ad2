#!/bin/sh
# One-shot setup before the Airflow services start (compose service airflow-init):
# migrate Airflow's metadata database and the hub's state store, and write the Airflow UI
# user's password (from AIRFLOW_ADMIN_PASSWORD) where SimpleAuthManager reads it.
set -eu

airflow db migrate
hub db upgrade

python - <<'PY'
import json
import os
from pathlib import Path

user = os.environ.get("AIRFLOW_ADMIN_USER", "admin")
password = os.environ["AIRFLOW_ADMIN_PASSWORD"]
path = Path(os.environ["AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE"])
path.parent.mkdir(parents=True, exist_ok=True)
current = json.loads(path.read_text(encoding="utf-8") or "{}") if path.exists() else {}
current[user] = password
path.touch(mode=0o600, exist_ok=True)
path.write_text(json.dumps(current) + "\n", encoding="utf-8")
print(f"airflow-init: password of Airflow user {user!r} written to {path}")
PY
