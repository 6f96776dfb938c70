#!/usr/bin/env bash
# Installs PostgreSQL from Debian's packages if missing, starts its cluster on loopback and makes
# the role and database the RUBiS PostgreSQL test uses (rubis/rubis). Prints the variables to export.
#   eval "$(bin/postgres-for-tests.sh)"
set -euo pipefail
if ! command -v pg_lsclusters >/dev/null 2>&1; then
  apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
fi
read -r version cluster port status _ < <(pg_lsclusters --no-header | head -1)
if [ "$status" != online ]; then
  pg_ctlcluster "$version" "$cluster" start >&2
fi
as_postgres() { su postgres -c "$*"; }
as_postgres "psql -p $port -tAc \"SELECT 1 FROM pg_roles WHERE rolname='rubis'\"" | grep -q 1 \
  || as_postgres "psql -p $port -qc \"CREATE ROLE rubis LOGIN PASSWORD 'rubis'\"" >&2
as_postgres "psql -p $port -tAc \"SELECT 1 FROM pg_database WHERE datname='rubis'\"" | grep -q 1 \
  || as_postgres "createdb -p $port -O rubis rubis" >&2
echo "export RUBIS_PG_URL=jdbc:postgresql://127.0.0.1:$port/rubis RUBIS_PG_USER=rubis RUBIS_PG_PASSWORD=rubis"
