#!/usr/bin/env bash
# A local PostgreSQL 15 with pgvector for LlmStrategies.Postgres development (Debian/Ubuntu, as root).
#   tools/postgres.sh start [PORT] [DATA_DIR]   installs what is missing, starts a loopback-only cluster and prints
#                                               the line to export (LLMSTRATEGIES_POSTGRES=...) last
#   tools/postgres.sh stop  [DATA_DIR]
#   tools/postgres.sh test                      starts it, then runs the package's tests against it
# Defaults: port 55432, data in /tmp/llmstrategies-pg. It wraps ../shared/tools/postgres-pgvector.sh when present
# (which builds pgvector 0.8.6 from ../shared/vendor); otherwise it installs Debian's postgresql-15-pgvector package.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cmd=${1:-start}
PORT=${2:-55432}
DATA=${3:-/tmp/llmstrategies-pg}
shared="$root/../shared/tools/postgres-pgvector.sh"

start() {
  # The shared script skips the server headers when pg_config exists (libpq-dev alone provides it); make sure they are there.
  if [ ! -f /usr/include/postgresql/15/server/postgres.h ] || [ ! -x /usr/lib/postgresql/15/bin/pg_ctl ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-15 postgresql-server-dev-15 build-essential >/dev/null
  fi
  if [ -x "$shared" ] || [ -f "$shared" ]; then
    bash "$shared" start "$PORT" "$DATA" | tail -n 1
  else
    [ -f /usr/lib/postgresql/15/lib/vector.so ] || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-15-pgvector >/dev/null; }
    PGBIN=/usr/lib/postgresql/15/bin
    if [ ! -f "$DATA/PG_VERSION" ]; then
      mkdir -p "$DATA"; chown postgres "$DATA"; chmod 700 "$DATA"
      su postgres -c "$PGBIN/initdb -D '$DATA' -A trust -U postgres -E UTF8 --locale=C.UTF-8" >/dev/null
    fi
    su postgres -c "$PGBIN/pg_ctl -D '$DATA' status" >/dev/null 2>&1 ||
      su postgres -c "$PGBIN/pg_ctl -D '$DATA' -o \"-p $PORT -k /tmp -c listen_addresses=127.0.0.1 -c max_connections=200\" -l '$DATA/server.log' -w start" >/dev/null
    psql -h 127.0.0.1 -p "$PORT" -U postgres -d postgres -qAt -c "CREATE EXTENSION IF NOT EXISTS vector" >/dev/null
    echo "Host=127.0.0.1;Port=$PORT;Username=postgres;Database=postgres"
  fi
}

case "$cmd" in
  start)
    connection=$(start)
    echo "export LLMSTRATEGIES_POSTGRES='$connection'"
    ;;
  stop)
    DATA=${2:-/tmp/llmstrategies-pg}
    if [ -f "$shared" ]; then bash "$shared" stop "$DATA"; else
      [ -f "$DATA/postmaster.pid" ] && su postgres -c "/usr/lib/postgresql/15/bin/pg_ctl -D '$DATA' -m fast -w stop" >/dev/null && echo "stopped $DATA" || echo "not running: $DATA"
    fi
    ;;
  test)
    connection=$(start)
    LLMSTRATEGIES_POSTGRES="$connection" dotnet test "$root/tests/LlmStrategies.Postgres.Tests"
    ;;
  *) echo "usage: tools/postgres.sh start [PORT] [DATA_DIR] | stop [DATA_DIR] | test" >&2; exit 2 ;;
esac
