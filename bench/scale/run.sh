#!/usr/bin/env bash
# Scale run for issue 17: customer import and listing of a large tenant through the packaged jar's
# admin CLI, with default JVM flags, timing each command and sampling its peak resident memory.
# Writes a Markdown report (default docs/scale.md). See bench/scale/README.md.
#
#   bench/scale/run.sh [--skip-build] [--rows N] [--output FILE] [--keep DIR] [--skip-updates]
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"
JAR=impl/target/portal-token-server.jar
COMMAND="bench/scale/run.sh"
for arg in "$@"; do COMMAND+=" $(printf '%q' "$arg")"; done

BUILD=1
ROWS=1000000
OUTPUT=docs/scale.md
KEEP=
UPDATES=1
while [ $# -gt 0 ]; do
    case "$1" in
        --skip-build) BUILD=0 ;;
        --rows) ROWS=${2:?--rows needs a value}; shift ;;
        --output) OUTPUT=${2:?--output needs a value}; shift ;;
        --keep) KEEP=${2:?--keep needs a directory}; shift ;;
        --skip-updates) UPDATES=0 ;;
        -h|--help) sed -n '2,8p' "$0"; exit 0 ;;
        *) echo "bench/scale/run.sh: unknown option $1" >&2; exit 2 ;;
    esac
    shift
done
[[ "$ROWS" =~ ^[0-9]+$ ]] && [ "$ROWS" -ge 1 ] || { echo "bench/scale/run.sh: --rows must be a whole number >= 1" >&2; exit 2; }

STARTED=$(date +%s)
log() { printf '[scale %4ds] %s\n' "$(( $(date +%s) - STARTED ))" "$*" >&2; }

# Everything lives in one temp directory (or --keep DIR, left in place for later runs and EXPLAINs).
if [ -n "$KEEP" ]; then
    WORK=$(mkdir -p "$KEEP" && cd "$KEEP" && pwd)
else
    WORK=$(mktemp -d "${TMPDIR:-/tmp}/portal-token-scale.XXXXXX")
    trap 'rm -rf "$WORK"' EXIT
fi
DATA="$WORK/data"
# The embedded PostgreSQL unless DATABASE_URL (and DATABASE_USER/PASSWORD) point elsewhere.
CLI=(--data-dir "$DATA")
[ -n "${DATABASE_URL:-}" ] && CLI=()

if [ "$BUILD" = 1 ]; then
    log "building the jar"
    mvn -B -q package -DskipTests >/dev/null
fi
[ -f "$JAR" ] || { echo "bench/scale/run.sh: $JAR is missing (build it, or drop --skip-build)" >&2; exit 1; }

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
RESULTS=()

# run LABEL OUT-FILE ARGS...: runs the jar, sampling VmHWM (peak RSS) of its JVM every 50 ms.
run() {
    local label=$1 out=$2 pid peak=0 hwm rc start end
    shift 2
    start=$(date +%s.%N)
    java -jar "$JAR" "$@" "${CLI[@]}" >"$out" 2>"$WORK/stderr" &
    pid=$!
    while kill -0 "$pid" 2>/dev/null; do
        hwm=$(awk '/^VmHWM:/ {print $2}' "/proc/$pid/status" 2>/dev/null || true)
        [ -n "$hwm" ] && [ "$hwm" -gt "$peak" ] && peak=$hwm
        sleep 0.05
    done
    rc=0
    wait "$pid" || rc=$?
    end=$(date +%s.%N)
    if [ "$rc" != 0 ]; then
        log "FAILED ($rc): $label"; cat "$WORK/stderr" >&2; exit 1
    fi
    local seconds mib
    seconds=$(awk -v a="$start" -v b="$end" 'BEGIN {printf "%.1f", b - a}')
    mib=$(( peak / 1024 ))
    log "$label: ${seconds} s, peak RSS ${mib} MiB"
    RESULTS+=("| $label | $seconds | $mib | $(head -c 200 "$out" | head -n 1 | cut -c1-90) |")
}

# A permutation of 0..N-1 (i * 7919 mod N; 7919 is prime and shares no factor with N unless N is a
# multiple of it), so aliases reach the unique index in scattered order, as real ones do.
generate() { # FILE SUFFIX
    awk -v n="$ROWS" -v suffix="$2" 'BEGIN {
        step = (n % 7919 == 0) ? 1 : 7919
        print "alias,name,email"
        for (i = 0; i < n; i++) {
            k = (i * step) % n
            printf "cust-%09d,\"Customer %d, %s\",c%d@scale.example\n", k, k, suffix, k
        }
    }' >"$1"
}

log "generating $ROWS rows"
generate "$WORK/customers.csv" first
[ "$UPDATES" = 1 ] && generate "$WORK/customers-renamed.csv" renamed
CSV_MIB=$(( $(stat -c %s "$WORK/customers.csv") / 1048576 ))

# Only serve creates the embedded database: start it once on the data directory, then stop it.
if [ -z "${DATABASE_URL:-}" ] && [ ! -f "$DATA/postgres/PG_VERSION" ]; then
    java -jar "$JAR" serve --host 127.0.0.1 --port 0 "${CLI[@]}" >"$WORK/serve.out" 2>"$WORK/stderr" &
    pid=$!
    until grep -q 'JWKS' "$WORK/serve.out"; do
        kill -0 "$pid" 2>/dev/null || { log "serve failed"; cat "$WORK/stderr" >&2; exit 1; }
        sleep 0.2
    done
    kill -TERM "$pid"; wait "$pid" || true
fi
TENANT=scale-$(date +%s)
java -jar "$JAR" tenant create --slug "$TENANT" "${CLI[@]}" >/dev/null
run "customer import: $ROWS new customers" "$WORK/out" customer import --tenant "$TENANT" "$WORK/customers.csv"
if [ "$UPDATES" = 1 ]; then
    run "customer import: the same $ROWS rows, renamed (all updated)" "$WORK/out" \
        customer import --tenant "$TENANT" "$WORK/customers-renamed.csv"
    run "customer import: the same file again (all unchanged)" "$WORK/out" \
        customer import --tenant "$TENANT" "$WORK/customers-renamed.csv"
fi
run "customer list --json: $ROWS customers" "$WORK/list.json" customer list --tenant "$TENANT" --json
JSON_MIB=$(( $(stat -c %s "$WORK/list.json") / 1048576 ))
run "customer list: $ROWS customers" "$WORK/list.txt" customer list --tenant "$TENANT"
LINES=$(wc -l <"$WORK/list.txt")
[ "$LINES" = $(( ROWS + 1 )) ] || { log "FAILED: customer list printed $LINES lines, expected $(( ROWS + 1 ))"; exit 1; }
rm -f "$WORK/list.json" "$WORK/list.txt"

LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)
if [ -n "${DATABASE_URL:-}" ]; then
    WHERE='the PostgreSQL at `DATABASE_URL`'
else
    WHERE='the embedded PostgreSQL 14 (default settings), which each command starts and stops itself, so its start-up is included'
fi
mkdir -p "$(dirname "$OUTPUT")"
{
    echo "# Scale: import and listing of a large tenant"
    echo
    echo "Generated by \`$COMMAND\` on $(date -u +%Y-%m-%dT%H:%MZ) in $(( $(date +%s) - STARTED )) s. Do not edit by hand."
    echo
    echo "Each command is the packaged jar's admin CLI run as a user runs it (\`java -jar $JAR ...\`, default"
    echo "JVM flags), against $WHERE."
    echo "*Seconds* is wall time from launch to exit; *peak RSS* is the CLI JVM's \`VmHWM\` (sampled every 50 ms), the"
    echo "PostgreSQL processes not included. The file: $ROWS rows, ${CSV_MIB} MiB, aliases in scattered order;"
    echo "\`--json\` printed ${JSON_MIB} MiB and the aligned listing $LINES lines."
    echo
    echo "| Command | Seconds | Peak RSS (MiB) | First line of output |"
    echo "|---|---|---|---|"
    printf '%s\n' "${RESULTS[@]}"
    echo
    echo "Machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')),"
    echo "$(( $(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1048576 )) GiB RAM, $(java -version 2>&1 | head -n 1)."
    echo "Load average before: $LOAD_BEFORE; after: $LOAD_AFTER (other work shares these cores, so seconds vary)."
} >"$OUTPUT"
log "wrote $OUTPUT"
cat "$OUTPUT"
