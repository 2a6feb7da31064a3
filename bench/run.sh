#!/usr/bin/env bash
# The HTTP benchmark: builds the jars, makes sure wrk is there, and runs the Java driver
# (bench/src/main/java/dev/portaltoken/bench/Bench.java), which does the rest: fixture, servers,
# rounds, start-ups, named JSON results and docs/benchmarks.md. See bench/README.md.
#
#   bench/run.sh                  # the plan: about 9 minutes on 2 cores
#   bench/run.sh --quick          # a short run to check the harness (not the plan's figures)
#   bench/run.sh --skip-build ... # reuse impl/target and bench/target
#   bench/run.sh --check          # the regression check: this commit's ratios against docs/benchmarks.json
set -euo pipefail

usage() {
    cat <<'EOF'
Usage: bench/run.sh [options]          (from anywhere; works on the repository it lives in)

  --skip-build            use the jars already in impl/target and bench/target
  --quick                 a short run to check the harness: 1 round of 2 s, 50,000 cold customers
  --rounds N              measured rounds per server (default 3)
  --duration S            seconds per measurement (default 4)
  --warmup S              least warm-up per server (default 16)
  --warmup-max S          most warm-up per server (default 56)
  --algorithms LIST       servers to load, comma-separated: eddsa, es256, hs256 (default eddsa,es256)
  --db external|embedded  database of the loaded servers (default external)
  --startups N            cold start-ups timed per database (default 3)
  --cold-customers N      customers of the large tenant (default 1000000; 0: no cold scenario)
  --no-default-flags-run  skip the server with default JVM flags (its peak RSS is reported)
  --output FILE           the report (default docs/benchmarks.md; the JSON results go beside it)
  --results FILE          write the JSON results here instead
  --hold                  only load the fixture, say where it is, and keep it until Ctrl-C (profiling)
  --variant NAME:K=V,...  one more server of the first algorithm with these settings (K+=V appends to the
                          harness's own value), measured like the others in the same run; repeatable
  --rates C:R,...|none    paced latency runs: R requests/s at C connections (default 1:1000,8:4000,32:6000,128:6000)
  --warmup-curve S        seconds of throughput after launch, token path and bare resource (default 90; 0: none)
  --check                 regression check: run the EdDSA server only (report to bench/target/check.md), then
                          compare its ratios with the recorded run's; exit status 3 on a regression
  --against FILE          the recorded run --check compares with (default docs/benchmarks.json)
  --check-results FILE    compare a saved results file with the recorded run, without running anything
  -h, --help              this text

Tuning settings in the environment (HTTP_WORKER_THREADS, DATABASE_POOL_SIZE, PORTAL_SIGNER,
PORTAL_API_KEY_CACHE_SECONDS, PORTAL_CUSTOMER_CACHE_SECONDS, LOG_FORMAT, JAVA_TOOL_OPTIONS,
JDK_JAVA_OPTIONS) are passed to the servers and recorded in the report.
EOF
}

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

BUILD=1
for arg in "$@"; do
    case "$arg" in
        -h|--help) usage; exit 0 ;;
        --skip-build) BUILD=0 ;;
    esac
done

log() {
    printf '[bench] %s\n' "$*" >&2
}

as_root() {
    if [ "$(id -u)" = 0 ]; then
        "$@"
    elif command -v sudo >/dev/null; then
        sudo "$@"
    else
        log "ERROR: need root to run: $*"
        exit 1
    fi
}

command -v java >/dev/null || { log "ERROR: java (JDK 17+) is not on PATH"; exit 1; }
if ! command -v wrk >/dev/null; then
    log "installing wrk (apt-get)"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
fi

if [ "$BUILD" = 1 ]; then
    command -v mvn >/dev/null || { log "ERROR: mvn is not on PATH (or use --skip-build)"; exit 1; }
    log "building the jars (mvn -B -q package -DskipTests)"
    BUILD_LOG=$(mktemp "${TMPDIR:-/tmp}/portal-token-bench-build.XXXXXX")
    if ! mvn -B -q package -DskipTests >"$BUILD_LOG" 2>&1; then
        tail -n 40 "$BUILD_LOG" >&2
        rm -f "$BUILD_LOG"
        log "ERROR: the build failed"
        exit 1
    fi
    rm -f "$BUILD_LOG"
fi
for jar in impl/target/portal-token-server.jar bench/target/portal-token-bench.jar; do
    [ -f "$jar" ] || { log "ERROR: $jar is missing (run without --skip-build)"; exit 1; }
done

# Settings that would redirect the harness (its database, ports, keys, limits) are its own; the
# driver passes only the tuning settings on to the servers.
exec java -DPORTAL_LOG_LEVEL=WARN -cp impl/target/portal-token-server.jar:bench/target/portal-token-bench.jar \
    dev.portaltoken.bench.Bench "$@"
