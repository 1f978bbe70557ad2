#!/bin/sh
# Run once by the postgres image on an empty data volume: besides Airflow's metadata
# database (POSTGRES_DB), create the hub's state store database, owned by the same role.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v hub_db="${HUB_STATE_DB:-hub}" -v owner="$POSTGRES_USER" <<'SQL'
SELECT format('CREATE DATABASE %I OWNER %I', :'hub_db', :'owner')
WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'hub_db')\gexec
SQL
