#!/usr/bin/env bash
# PostgreSQL's own cost of the batched customer lookup (customer.CustomerRepository's FIND_BY_*), with
# no server in the way: pgbench runs the statement, prepared as the server runs it, against the fixture
# that `bench/run.sh --hold` keeps, for batches of 1 to 16 keys of the large tenant drawn at random
# (half ids, half aliases, as the bench's cold scenario alternates them), beside `SELECT 1` (a round
# trip) and the batch's key expressions alone (what pgbench adds to every key). Rounds alternate.
# Prints transactions/s and microseconds of the machine's cores per transaction. Needs pgbench.
#
#   bench/run.sh --skip-build --hold &        # prints "--data-dir DIR" once the fixture is loaded
#   bench/scale/lookup-cost.sh --data-dir DIR [--rounds 3] [--seconds 8] [--clients 4]
set -euo pipefail
DATA=""; ROUNDS=3; SECONDS_EACH=8; CLIENTS=4
while [ $# -gt 0 ]; do
    case "$1" in
        --data-dir) DATA=$2; shift 2 ;;
        --rounds) ROUNDS=$2; shift 2 ;;
        --seconds) SECONDS_EACH=$2; shift 2 ;;
        --clients) CLIENTS=$2; shift 2 ;;
        -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
        *) echo "unknown option: $1" >&2; exit 2 ;;
    esac
done
[ -n "$DATA" ] && [ -f "$DATA/postgres-password" ] || { echo "needs --data-dir of a held bench fixture" >&2; exit 2; }
command -v pgbench >/dev/null || { echo "needs pgbench (Debian: apt-get install postgresql-client)" >&2; exit 1; }
export PGPASSWORD; PGPASSWORD=$(cat "$DATA/postgres-password")
CONNECT=(-h "$DATA/postgres-socket" -U postgres)
D=$(mktemp -d); trap 'rm -rf "$D"' EXIT
# The fixture's large tenant is tenant 0: customer c has the alias t00-cNNNNNNN and an id whose last
# twelve hex digits are c (bench Fixture.customerId); the first 24 characters are the same for all.
read -r TENANT PREFIX COUNT < <(psql -X -At -F ' ' "${CONNECT[@]}" -c "SELECT tenant_id, substr(min(id::text), 1, 24), count(*)
    FROM customer GROUP BY tenant_id ORDER BY count(*) DESC LIMIT 1")
join() { local IFS=,; echo "$*"; }
tenants() { local out=() i; for ((i = 0; i < $1; i++)); do out+=("'$TENANT'"); done; echo "array[$(join "${out[@]}")]::uuid[]"; }
script() { # keys, then "lookup" or "keys": the statement, or its key arrays alone
    local n=$1 ids=$(( $1 / 2 )) idx=() als=() i
    for i in $(seq "$n"); do echo "\\set v$i random(1, $COUNT)"; done
    for i in $(seq "$ids"); do idx+=("('$PREFIX' || lpad(to_hex(:v$i::int), 12, '0'))::uuid"); done
    for i in $(seq $((ids + 1)) "$n"); do als+=("'t00-c' || lpad(:v$i::text, 7, '0')"); done
    local id_array="'{}'::uuid[]" id_tenants="'{}'::uuid[]"
    [ "$ids" -gt 0 ] && { id_array="array[$(join "${idx[@]}")]::uuid[]"; id_tenants=$(tenants "$ids"); }
    local alias_array="array[$(join "${als[@]}")]::text[]"
    if [ "$2" = keys ]; then echo "SELECT $id_array, $alias_array;"; return; fi
    # As the server sends it: a batch without ids (one key) only the aliases' half.
    [ "$ids" -gt 0 ] && echo "SELECT c.tenant_id, c.id, NULL::text FROM unnest((SELECT $id_tenants), (SELECT $id_array)) AS k (tenant_id, id)
  JOIN customer c ON c.tenant_id = k.tenant_id AND c.id = k.id WHERE c.archived_at IS NULL
UNION ALL"
    echo "SELECT c.tenant_id, c.id, c.alias FROM unnest((SELECT $(tenants $((n - ids)))), (SELECT $alias_array)) AS k (tenant_id, alias)
  JOIN customer c ON c.tenant_id = k.tenant_id AND c.alias = k.alias WHERE c.archived_at IS NULL;"
}
echo "SELECT 1;" > "$D/round-trip.sql"
for n in 1 2 4 8 16; do
    script "$n" lookup > "$D/lookup-$n.sql"
    # Every key must find its customer, or the figures would be those of misses.
    found=$(sed -e '/^\\set/d' -e 's/:v\([0-9]*\)/\1/g' "$D/lookup-$n.sql" | psql -X -At "${CONNECT[@]}" | wc -l)
    [ "$found" -eq "$n" ] || { echo "lookup-$n found $found of $n customers: not a bench fixture?" >&2; exit 1; }
done
script 16 keys > "$D/keys-16.sql"
NAMES=(round-trip lookup-1 lookup-2 lookup-4 lookup-8 lookup-16 keys-16)
for r in $(seq "$ROUNDS"); do
    for name in "${NAMES[@]}"; do
        tps=$(pgbench "${CONNECT[@]}" -n -M prepared -c "$CLIENTS" -j 2 -T "$SECONDS_EACH" -f "$D/$name.sql" postgres 2>&1 |
            awk '/^tps/ {print $3}')
        [ -n "$tps" ] || { echo "pgbench failed on $name" >&2; exit 1; }
        echo "$name $tps" >> "$D/results"
    done
done
CORES=$(nproc)
echo "| Statement | Transactions/s (median of $ROUNDS) | us of the $CORES cores per transaction |"
echo "|---|---:|---:|"
for name in "${NAMES[@]}"; do
    awk -v n="$name" '$1 == n {print $2}' "$D/results" | sort -g |
        awk -v n="$name" -v cores="$CORES" '{v[NR] = $1} END {
            m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
            printf "| %s | %d | %.1f |\n", n, m, cores * 1e6 / m }'
done
