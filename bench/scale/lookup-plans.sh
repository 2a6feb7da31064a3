#!/usr/bin/env bash
# The query plans of the batched customer lookup (customer.CustomerRepository's FIND_BY_IDS_AND_ALIASES) on a
# large tenant: loads N customers of one tenant (plus three of 300,000, 2% archived) straight into the
# embedded PostgreSQL of a fresh data directory with generate_series, then EXPLAINs the statement as
# the server runs it (generic plan) for 32 ids and 32 aliases drawn at random. Needs psql.
#
#   bench/scale/lookup-plans.sh                      # 10,000,000 customers (about 5 minutes on 2 cores)
#   bench/scale/lookup-plans.sh --rows 100000        # a quick check
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
JAR=$ROOT/impl/target/portal-token-server.jar
ROWS=10000000
while [ $# -gt 0 ]; do
    case "$1" in
        --rows) ROWS=$2; shift 2 ;;
        -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
        *) echo "unknown option: $1" >&2; exit 2 ;;
    esac
done
command -v psql >/dev/null || { echo "needs psql (Debian: apt-get install postgresql-client)" >&2; exit 1; }
[ -f "$JAR" ] || { echo "no $JAR: run mvn -B -q package -DskipTests first" >&2; exit 1; }
D=$(mktemp -d)
trap 'kill $SERVER 2>/dev/null; wait $SERVER 2>/dev/null; rm -rf "$D"' EXIT
PORTAL_RATE_LIMIT_PER_SECOND=0 java -Xmx128m -jar "$JAR" serve --port 0 --host 127.0.0.1 --data-dir "$D/data" \
    > "$D/serve.log" 2>&1 &
SERVER=$!
for _ in $(seq 1 120); do grep -q 'listening on' "$D/serve.log" && break; sleep 0.5; done
# Only serve creates the data directory's database; the admin CLI attaches to it while it runs.
for t in big s1 s2 s3; do java -jar "$JAR" tenant create --slug $t --data-dir "$D/data" >/dev/null; done
export PGPASSWORD; PGPASSWORD=$(cat "$D/data/postgres-password")
PSQL=(psql -X -q -h "$D/data/postgres-socket" -U postgres -d postgres -v ON_ERROR_STOP=1 -v rows="$ROWS")
"${PSQL[@]}" <<'SQL'
INSERT INTO customer (id, tenant_id, alias, name, created_at)
SELECT (lpad(to_hex(g), 12, '0') || '7000' || substr(md5(g::text), 1, 16))::uuid,
       (SELECT id FROM tenant WHERE slug = 'big'), 'cust-' || md5(g::text), 'Customer ' || g, now()
  FROM generate_series(1, :rows) g;
INSERT INTO customer (id, tenant_id, alias, name, created_at, archived_at)
SELECT gen_random_uuid(), t.id, 'cust-' || md5(g::text), 'Customer ' || g, now(), CASE WHEN g % 50 = 0 THEN now() END
  FROM generate_series(1, 300000) g, tenant t WHERE t.slug IN ('s1', 's2', 's3');
ANALYZE customer;
SELECT count(*) AS customers, pg_size_pretty(pg_relation_size('customer')) AS "table",
       pg_size_pretty(pg_relation_size('customer_pkey')) AS customer_pkey,
       pg_size_pretty(pg_relation_size('customer_tenant_alias_key')) AS customer_tenant_alias_key FROM customer;
SET plan_cache_mode = force_generic_plan;
PREPARE q(uuid[], uuid[], uuid[], text[]) AS
SELECT c.tenant_id, c.id, NULL::text FROM unnest((SELECT $1::uuid[]), (SELECT $2::uuid[])) AS k (tenant_id, id)
  JOIN customer c ON c.tenant_id = k.tenant_id AND c.id = k.id
 WHERE c.archived_at IS NULL
UNION ALL
SELECT c.tenant_id, c.id, c.alias FROM unnest((SELECT $3::uuid[]), (SELECT $4::text[])) AS k (tenant_id, alias)
  JOIN customer c ON c.tenant_id = k.tenant_id AND c.alias = k.alias
 WHERE c.archived_at IS NULL;
WITH big AS (SELECT id FROM tenant WHERE slug = 'big'),
     ids AS (SELECT array_agg(id) a FROM (SELECT id FROM customer TABLESAMPLE SYSTEM (1)
                                           WHERE tenant_id = (SELECT id FROM big) ORDER BY random() LIMIT 32) c),
     als AS (SELECT array_agg(alias) a FROM (SELECT alias FROM customer TABLESAMPLE SYSTEM (1)
                                             WHERE tenant_id = (SELECT id FROM big) ORDER BY random() LIMIT 32) c)
SELECT format('EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) EXECUTE q(%L, %L, %L, %L)',
              array_fill((SELECT id FROM big), ARRAY[32]), (SELECT a FROM ids),
              array_fill((SELECT id FROM big), ARRAY[32]), (SELECT a FROM als)) \gexec
SQL
