#!/usr/bin/env bash
# Paired throughput costs of two topology settings (docs/operations.md, "Costs"), on the packaged jar:
#   rate limits: PORTAL_RATE_LIMIT_MODE=cluster against the per-instance mode, both with limits on, on the
#                hot token path (the customer cached);
#   statements:  the server's prepareThreshold=0 against pgjdbc's default (5, named server-side statements
#                after five uses), with no customer cache, so that every request queries PostgreSQL;
#   admin:       the admin API's cost on the token path (issue 25: none), PORTAL_ADMIN_API=management (the
#                default, with a management port) and =main (on the token's own port), each against =off.
# Each pair of servers runs at once on a throwaway Debian PostgreSQL 15 (package postgresql) on a direct
# connection, idle but for the one being loaded; wrk (package wrk) loads them in turn, ROUNDS times
# DURATION seconds each, and the median of the per-round ratios is printed: drift on a shared machine
# falls on both sides of every pair. Usage: bench/topology-costs.sh [ROUNDS] [DURATION] [limits|statements|both|admin]
# (after mvn package).
set -euo pipefail
ROUNDS=${1:-10}
DURATION=${2:-5}
WHICH=${3:-both}
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
JAR=$ROOT/impl/target/portal-token-server.jar
PG=/usr/lib/postgresql/15/bin
[ -f "$JAR" ] || { echo "build first: mvn -B -q package -DskipTests" >&2; exit 1; }
[ -x $PG/postgres ] && command -v wrk >/dev/null || { echo "needs: apt-get install postgresql wrk" >&2; exit 1; }
AS_USER=(); [ "$(id -u)" = 0 ] && AS_USER=(unshare -U) # PostgreSQL refuses root
DIR=$(mktemp -d)
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  "${AS_USER[@]}" $PG/pg_ctl stop -D "$DIR/pg" -m fast -w >/dev/null 2>&1 || true
  rm -rf "$DIR"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

PGPORT=$(free_port)
"${AS_USER[@]}" $PG/initdb -D "$DIR/pg" -U postgres -A trust --no-sync -E UTF8 --no-locale >"$DIR/initdb.log"
"${AS_USER[@]}" $PG/pg_ctl start -w -D "$DIR/pg" -l "$DIR/pg.log" -o "-p $PGPORT -c listen_addresses=127.0.0.1 \
  -c unix_socket_directories=$DIR -c fsync=off -c synchronous_commit=off -c max_connections=200" >/dev/null
export DATABASE_URL="jdbc:postgresql://127.0.0.1:$PGPORT/postgres?sslmode=disable" DATABASE_USER=postgres
PORTAL_KEY_ENCRYPTION_KEY=$(openssl rand -base64 32); export PORTAL_KEY_ENCRYPTION_KEY
cli() { java -jar "$JAR" "$@" --data-dir "$DIR/cli" 2>>"$DIR/cli.log" | tail -1; }
cli tenant create --slug bench >/dev/null
KEY=$(cli api-key create --tenant bench)
CUSTOMER=$(cli customer create --tenant bench)
export KEY
cat >"$DIR/mint.lua" <<'LUA'
wrk.method = "POST"
wrk.body = '{"expires_in_seconds": 600}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("KEY")
LUA

# serve NAME SETTINGS...: starts a server with the production launch; sets PORT once it mints.
serve() {
  local name=$1 port; shift
  port=$(free_port)
  env "$@" java -Xms64m -Xmx128m -XX:+UseSerialGC -jar "$JAR" serve --host 127.0.0.1 --port "$port" \
    --data-dir "$DIR/$name" >"$DIR/$name.out" 2>"$DIR/$name.log" &
  PIDS+=($!)
  for _ in $(seq 600); do
    if curl -fs -o /dev/null -X POST -H "Authorization: Bearer $KEY" -H 'Content-Type: application/json' \
        -d '{}' "http://127.0.0.1:$port/api/v1/customers/$CUSTOMER/portal-token"; then PORT=$port; return; fi
    sleep 0.1
  done
  echo "$name did not start" >&2; tail "$DIR/$name.log" >&2; exit 1
}
rps() { # PORT: requests/s of one wrk run (32 connections, 2 threads); fails on any error answer
  local out; out=$(wrk -t2 -c32 -d"${DURATION}s" -s "$DIR/mint.lua" \
    "http://127.0.0.1:$1/api/v1/customers/$CUSTOMER/portal-token")
  if grep -q "Non-2xx\|Socket errors" <<<"$out"; then echo "errors: $out" >&2; exit 2; fi
  awk '/Requests\/sec/ {print $2}' <<<"$out"
}
# pair LABEL PORT_A PORT_B: warm both (20 s each, by turns), then ROUNDS alternating rounds; median of A/B.
pair() {
  local label=$1 a=$2 b=$3 ra rb ratios=()
  for _ in $(seq $(( (20 + DURATION - 1) / DURATION ))); do rps "$a" >/dev/null; rps "$b" >/dev/null; done
  for i in $(seq "$ROUNDS"); do
    if (( i % 2 )); then ra=$(rps "$a"); rb=$(rps "$b"); else rb=$(rps "$b"); ra=$(rps "$a"); fi
    ratios+=("$(python3 -c "print(f'{$ra/$rb:.3f}')")")
    echo "  $label round $i: $ra / $rb req/s" >&2
  done
  python3 -c "import statistics,sys; r=sorted(map(float,sys.argv[2:])); print(f'{sys.argv[1]}: median {statistics.median(r):.3f} (range {r[0]:.3f}-{r[-1]:.3f}, {len(r)} rounds)')" "$label" "${ratios[@]}"
}
LIMITS=(PORTAL_RATE_LIMIT_PER_SECOND=1000000 PORTAL_RATE_LIMIT_BURST=1000000)
if [ "$WHICH" = admin ]; then
  for where in management main; do
    serve "admin-$where" "${LIMITS[@]}" PORTAL_ADMIN_API=$where MANAGEMENT_PORT="$(free_port)"; ON=$PORT
    serve "admin-off-$where" "${LIMITS[@]}" PORTAL_ADMIN_API=off MANAGEMENT_PORT="$(free_port)"; OFF=$PORT
    pair "token, PORTAL_ADMIN_API=$where / off" "$ON" "$OFF"
    kill "${PIDS[@]}"; wait 2>/dev/null || true; PIDS=()
  done
  echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"; exit 0
fi
if [ "$WHICH" != statements ]; then
  serve cluster "${LIMITS[@]}" PORTAL_RATE_LIMIT_MODE=cluster; CLUSTER=$PORT
  serve instance "${LIMITS[@]}"; INSTANCE=$PORT
  pair "token, cluster / per-instance rate limits" "$CLUSTER" "$INSTANCE"
  kill "${PIDS[@]}"; wait 2>/dev/null || true; PIDS=()
fi
[ "$WHICH" = limits ] && { echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"; exit 0; }
serve unnamed PORTAL_RATE_LIMIT_PER_SECOND=0 PORTAL_CUSTOMER_CACHE_SECONDS=0; UNNAMED=$PORT
serve named PORTAL_RATE_LIMIT_PER_SECOND=0 PORTAL_CUSTOMER_CACHE_SECONDS=0 DATABASE_URL="$DATABASE_URL&prepareThreshold=5"
NAMED=$PORT
pair "token without customer cache, prepareThreshold=0 / 5" "$UNNAMED" "$NAMED"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
