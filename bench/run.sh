#!/usr/bin/env bash
# Benchmark harness for issue 7: the token endpoint against the same server's GET /healthz, side by
# side, in alternating rounds; start-up time and peak RSS. See bench/README.md.
#
#   bench/run.sh [--skip-build] [--db external|embedded] [--rounds N] [--duration S] [--warmup S]
#                [--algorithms eddsa,hs256] [--output FILE]
set -euo pipefail

usage() {
    cat <<'EOF'
Usage: bench/run.sh [options]          (from anywhere; works on the repository it lives in)

  --skip-build            use the existing impl/target/portal-token-server.jar
  --db external|embedded  database of the measured server (default external: a separate
                          PostgreSQL process; embedded: serve --data-dir). Start-up time is
                          reported for both either way.
  --rounds N              measured rounds per scenario, alternating healthz/token (default 3)
  --duration S            seconds per measurement (default 4)
  --warmup S              minimum warm-up: pairs of 4 s token + 4 s healthz at 4 connections,
                          continued until the server's JIT compile queue is drained and healthz
                          throughput has levelled off (default 16; 0: none)
  --warmup-max S          cap on the warm-up (default 56)
  --algorithms LIST       comma-separated: eddsa, hs256 (default eddsa,hs256)
  --startups N            cold start-ups timed per database with the first algorithm; their
                          median is judged (default 3)
  --output FILE           where to write the Markdown report (default docs/benchmarks.md)
  -h, --help              this text

Tuning settings in the environment (HTTP_WORKER_THREADS, DATABASE_POOL_SIZE,
PORTAL_API_KEY_CACHE_SECONDS, LOG_FORMAT, JAVA_TOOL_OPTIONS, JDK_JAVA_OPTIONS) are passed to the
server and recorded in the report; the database, port, secret and rate-limit settings are the
harness's own.
EOF
}

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
JAR=impl/target/portal-token-server.jar
COMMAND="bench/run.sh"
for arg in "$@"; do
    COMMAND+=" $(printf '%q' "$arg")"
done

BUILD=1
DB=external
ROUNDS=3
DURATION=4
WARMUP=16
WARMUP_MAX=56
ALGORITHMS=eddsa,hs256
STARTUPS=3
OUTPUT=docs/benchmarks.md
while [ $# -gt 0 ]; do
    case "$1" in
        --skip-build) BUILD=0 ;;
        --db) DB=${2:?--db needs a value}; shift ;;
        --rounds) ROUNDS=${2:?--rounds needs a value}; shift ;;
        --duration) DURATION=${2:?--duration needs a value}; shift ;;
        --warmup) WARMUP=${2:?--warmup needs a value}; shift ;;
        --warmup-max) WARMUP_MAX=${2:?--warmup-max needs a value}; shift ;;
        --algorithms) ALGORITHMS=${2:?--algorithms needs a value}; shift ;;
        --startups) STARTUPS=${2:?--startups needs a value}; shift ;;
        --output) OUTPUT=${2:?--output needs a value}; shift ;;
        -h|--help) usage; exit 0 ;;
        *) echo "bench/run.sh: unknown option $1" >&2; usage >&2; exit 2 ;;
    esac
    shift
done
case "$DB" in external|embedded) ;; *) echo "bench/run.sh: --db must be external or embedded" >&2; exit 2 ;; esac
for n in "$ROUNDS" "$DURATION" "$WARMUP" "$WARMUP_MAX" "$STARTUPS"; do
    [[ "$n" =~ ^[0-9]+$ ]] || { echo "bench/run.sh: rounds, duration and warmup are whole numbers" >&2; exit 2; }
done
[ "$ROUNDS" -ge 1 ] && [ "$DURATION" -ge 1 ] && [ "$STARTUPS" -ge 1 ] \
    || { echo "bench/run.sh: --rounds, --duration and --startups must be >= 1" >&2; exit 2; }
[ "$WARMUP_MAX" -ge "$WARMUP" ] || WARMUP_MAX=$WARMUP
IFS=',' read -r -a ALGOS <<<"$ALGORITHMS"
for a in "${ALGOS[@]}"; do
    case "$a" in eddsa|hs256) ;; *) echo "bench/run.sh: unknown algorithm '$a' (eddsa, hs256)" >&2; exit 2 ;; esac
done

STARTED=$(date +%s)
log() {
    printf '[bench %3ds] %s\n' "$(( $(date +%s) - STARTED ))" "$*" >&2
}
die() {
    log "ERROR: $*"
    exit 1
}

# ---------------------------------------------------------------------------------------------
# Everything the run creates lives in one private temp directory, removed on exit together with
# every process the run started (and any PostgreSQL left running in that directory).
umask 077
BENCH_TMP=$(mktemp -d "${TMPDIR:-/tmp}/portal-token-bench-run.XXXXXX")
PIDS=()

forget_pid() { # so that a stopped process's id, if reused, is never signalled
    local kept=() p
    for p in "${PIDS[@]+"${PIDS[@]}"}"; do
        [ "$p" = "$1" ] || kept+=("$p")
    done
    PIDS=("${kept[@]+"${kept[@]}"}")
}

stop_pid() { # pid [seconds]: SIGTERM, wait, then SIGKILL; only for processes this script started
    local pid=$1 limit=${2:-20} i
    forget_pid "$pid"
    kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null || true; return 0; }
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < limit * 10; i++)); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
        log "process $pid did not stop in ${limit}s; killing it"
        kill -KILL "$pid" 2>/dev/null || true
    fi
    wait "$pid" 2>/dev/null || true
}

cleanup() {
    local rc=$? pid pidfile pg i
    trap - EXIT INT TERM
    for pid in "${PIDS[@]+"${PIDS[@]}"}"; do
        stop_pid "$pid" 20
    done
    # A PostgreSQL whose owner was killed outright: fast shutdown (SIGINT), only if it runs on our directory.
    for pidfile in "$BENCH_TMP"/*/postgres/postmaster.pid; do
        [ -f "$pidfile" ] || continue
        pg=$(head -n 1 "$pidfile" 2>/dev/null || true)
        if [[ "$pg" =~ ^[0-9]+$ ]] && tr '\0' ' ' <"/proc/$pg/cmdline" 2>/dev/null | grep -qF "$BENCH_TMP"; then
            kill -INT "$pg" 2>/dev/null || true
            for ((i = 0; i < 100; i++)); do kill -0 "$pg" 2>/dev/null || break; sleep 0.1; done
        fi
    done
    rm -rf "$BENCH_TMP"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

as_root() {
    if [ "$(id -u)" = 0 ]; then
        "$@"
    elif command -v sudo >/dev/null; then
        sudo "$@"
    else
        die "need root to run: $*"
    fi
}

ensure_tools() {
    command -v java >/dev/null || die "java (JDK 17+) is not on PATH"
    local missing=()
    command -v wrk >/dev/null || missing+=(wrk)
    command -v curl >/dev/null || missing+=(curl)
    if [ ${#missing[@]} -gt 0 ]; then
        log "installing ${missing[*]} (apt-get)"
        as_root apt-get update -qq
        as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
    fi
    if [ "$BUILD" = 1 ]; then
        command -v mvn >/dev/null || die "mvn is not on PATH"
    fi
}

# ---------------------------------------------------------------------------------------------
FIXTURE=$BENCH_TMP/fixture.txt         # API keys and customers, mode 600
PROBE_HEADERS=$BENCH_TMP/probe-headers # "Authorization: Bearer <key>" for curl -H @file (never on a command line)
RESULTS=$BENCH_TMP/results.tsv
SERVERS=$BENCH_TMP/servers.tsv
STARTUP_TIMES=$BENCH_TMP/startups.tsv
META=$BENCH_TMP/meta.properties
BENCH_DATA=$BENCH_TMP/data             # PostgreSQL cluster in data/postgres, signing key
JWT_SECRET=$(head -c 48 /dev/urandom | base64 | tr -d '\n=+/')
: >"$RESULTS"
: >"$SERVERS"
: >"$STARTUP_TIMES"
LAUNCHES=0

start_database() {
    log "starting PostgreSQL and loading the fixture (10 tenants, 100 API keys, 10,000 customers)"
    java -cp "$JAR" bench/Fixture.java --data-dir "$BENCH_DATA" --out "$FIXTURE" --hold \
        >"$BENCH_TMP/fixture.out" 2>"$BENCH_TMP/fixture.log" </dev/null &
    FIXTURE_PID=$!
    PIDS+=("$FIXTURE_PID")
    local i
    for ((i = 0; i < 1800; i++)); do
        grep -qx ready "$BENCH_TMP/fixture.out" 2>/dev/null && break
        kill -0 "$FIXTURE_PID" 2>/dev/null || { tail -n 20 "$BENCH_TMP/fixture.log" >&2; die "the fixture loader failed"; }
        sleep 0.1
    done
    grep -qx ready "$BENCH_TMP/fixture.out" || die "the fixture loader did not finish in 180 s"
    PG_PORT=$(sed -n 's/^port=//p' "$BENCH_TMP/fixture.out")
    log "$(head -n 1 "$BENCH_TMP/fixture.out"); PostgreSQL on port $PG_PORT"
    # The start-up probe: the first key and the first customer of tenant 1.
    awk '$1 == "K" && $2 == 1 { print "Authorization: Bearer " $3; exit }' "$FIXTURE" >"$PROBE_HEADERS"
    PROBE_CUSTOMER=$(awk '$1 == "C" && $2 == 1 { print $3; exit }' "$FIXTURE")
}

stop_database() {
    stop_pid "$FIXTURE_PID" 30
}

now_ms() {
    echo $(( $(date +%s%N) / 1000000 ))
}

rss_kb() { # pid field
    awk -v f="$2:" '$1 == f { print $2 }' "/proc/$1/status" 2>/dev/null || echo 0
}

# start_server db algorithm: launches `java -jar ... serve`, waits for the first 200 from the token
# endpoint and sets SERVER_PID, SERVER_URL, STARTUP_MS, RSS_START_KB.
start_server() {
    local db=$1 algo=$2 name="$1-$2" code=none t0 deadline
    # A file per launch, created before the launch: a reused one could still show the previous
    # launch's banner (and port) when it is first read.
    LAUNCHES=$(( LAUNCHES + 1 ))
    SERVER_OUT=$BENCH_TMP/server-$LAUNCHES-$name.out
    SERVER_LOG=$BENCH_TMP/server-$LAUNCHES-$name.log
    : >"$SERVER_OUT"
    : >"$SERVER_LOG"
    t0=$(now_ms)
    deadline=$(( t0 + 120000 ))
    # Settings go through the environment of a subshell that becomes java (never argv, where ps shows them).
    (
        export PORTAL_RATE_LIMIT_PER_SECOND=0
        if [ "$algo" = hs256 ]; then export PORTAL_JWT_SECRET="$JWT_SECRET"; fi
        if [ "$db" = external ]; then
            export DATABASE_URL="jdbc:postgresql://localhost:$PG_PORT/postgres" DATABASE_USER=postgres
        fi
        exec java -jar "$JAR" serve --host 127.0.0.1 --port 0 --data-dir "$BENCH_DATA"
    ) >"$SERVER_OUT" 2>"$SERVER_LOG" </dev/null &
    SERVER_PID=$!
    PIDS+=("$SERVER_PID")
    SERVER_URL=
    while [ "$(now_ms)" -lt "$deadline" ]; do
        kill -0 "$SERVER_PID" 2>/dev/null || { tail -n 20 "$SERVER_LOG" >&2; die "the $name server exited during start-up"; }
        if [ -z "$SERVER_URL" ]; then
            SERVER_URL=$(sed -n 's|^ *listening on \(http://[^/]*\)/.*$|\1|p' "$SERVER_OUT" 2>/dev/null || true)
        fi
        if [ -n "$SERVER_URL" ]; then
            code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 -X POST -H @"$PROBE_HEADERS" \
                "$SERVER_URL/api/v1/customers/$PROBE_CUSTOMER/portal-token" || true)
            [ "$code" = 200 ] && break
        fi
        sleep 0.02
    done
    [ "$code" = 200 ] || { tail -n 20 "$SERVER_LOG" >&2; die "the $name server did not answer 200 within 120 s (last status $code)"; }
    STARTUP_MS=$(( $(now_ms) - t0 ))
    RSS_START_KB=$(rss_kb "$SERVER_PID" VmRSS)
    printf '%s\t%s\t%s\n' "$db" "$algo" "$STARTUP_MS" >>"$STARTUP_TIMES"
    check_token "$algo"
    log "$name: first 200 from the token endpoint $STARTUP_MS ms after launch; RSS $(( RSS_START_KB / 1024 )) MiB"
}

# The token answer is a JWT signed with the expected algorithm (the token itself is never shown).
check_token() {
    local expected body header
    [ "$1" = hs256 ] && expected=HS256 || expected=EdDSA
    body=$(curl -s --max-time 5 -X POST -H @"$PROBE_HEADERS" "$SERVER_URL/api/v1/customers/$PROBE_CUSTOMER/portal-token")
    header=$(printf '%s' "$body" | sed -n 's/.*"token" *: *"\([^".]*\)\..*/\1/p' | tr '_-' '/+')
    while [ $(( ${#header} % 4 )) -ne 0 ]; do header+="="; done
    printf '%s' "$header" | base64 -d 2>/dev/null | grep -q "\"alg\":\"$expected\"" \
        || die "the token endpoint did not return a $expected-signed token"
    printf '%s' "$body" | grep -q '"portal_url"' || die "the token answer has no portal_url"
}

start_rss_sampler() {
    local pid=$1 file=$2
    (
        max=0
        while kill -0 "$pid" 2>/dev/null; do
            rss=$(awk '$1 == "VmRSS:" { print $2 }' "/proc/$pid/status" 2>/dev/null || echo 0)
            [ "${rss:-0}" -gt "$max" ] && max=$rss && echo "$max" >"$file"
            sleep 0.5
        done
    ) &
    SAMPLER_PID=$!
    PIDS+=("$SAMPLER_PID")
}

# run_wrk db algo kind conns round seconds
run_wrk() {
    local db=$1 algo=$2 kind=$3 conns=$4 round=$5 seconds=$6 out line latency=()
    out=$BENCH_TMP/wrk.out
    [ "$conns" -le 8 ] && latency=(--latency)
    wrk -t2 -c"$conns" -d"${seconds}s" --timeout 10s "${latency[@]}" -s bench/load.lua "$SERVER_URL" -- "$kind" "$FIXTURE" \
        >"$out" 2>&1 || { cat "$out" >&2; die "wrk failed"; }
    line=$(grep '^BENCHRESULT ' "$out" || true)
    [ -n "$line" ] || { cat "$out" >&2; die "wrk printed no result"; }
    # requests duration_us p50_us p99_us status connect read write timeouts
    read -r -a fields <<<"$(sed 's/[a-z_0-9]*=//g; s/^BENCHRESULT //' <<<"$line")"
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$db" "$algo" "$kind" "$conns" "$round" "$(IFS=$'\t'; echo "${fields[*]}")" >>"$RESULTS"
    local rps=$(( fields[0] * 1000000 / (fields[1] > 0 ? fields[1] : 1) ))
    LAST_RPS=$rps
    local errors=$(( fields[4] + fields[5] + fields[6] + fields[7] + fields[8] ))
    log "  $(printf '%-7s %-7s c=%-2s round %s: %6d req/s  p50 %6.2f ms  p99 %6.2f ms  errors %d' \
        "$algo" "$kind" "$conns" "$round" "$rps" "$(awk "BEGIN{print ${fields[2]}/1000}")" \
        "$(awk "BEGIN{print ${fields[3]}/1000}")" "$errors")"
}

# compile_queue: methods waiting for the server's JIT compilers (jcmd Compiler.queue); -1 without jcmd.
compile_queue() {
    command -v jcmd >/dev/null || { echo -1; return 0; }
    jcmd "$SERVER_PID" Compiler.queue 2>/dev/null | grep -cE '^[0-9]+ ' || true
}

# warm_up db algo: pairs of 4 s token + 4 s healthz at 4 connections, for at least $WARMUP s and
# until the JIT compile queue is drained (<= 5 methods) and healthz throughput moved by less than
# 10% from the previous pair, at most $WARMUP_MAX s. A fresh server on 2 busy cores keeps getting
# faster for about a minute, and a baseline measured earlier would flatter the ratio (the
# database-bound token path speeds up far less than healthz). Light load matters: at 32
# connections the compiler threads starve and ~200 methods stay queued for over a minute, at 4 they
# keep up, and the server is warmer after the same time. Sets WARMED_S and WARM_QUEUE.
warm_up() {
    local db=$1 algo=$2 previous=0 stable
    WARMED_S=0
    WARM_QUEUE=-1
    [ "$WARMUP" -gt 0 ] || return 0
    while :; do
        run_wrk "$db" "$algo" token 4 0 4
        run_wrk "$db" "$algo" healthz 4 0 4
        WARMED_S=$(( WARMED_S + 8 ))
        WARM_QUEUE=$(compile_queue)
        stable=no
        if [ "$previous" -gt 0 ] && [ $(( (LAST_RPS - previous) * 100 / previous )) -lt 10 ] \
            && [ $(( (previous - LAST_RPS) * 100 / previous )) -lt 10 ]; then
            stable=yes
        fi
        if [ "$WARMED_S" -ge "$WARMUP" ] && [ "$stable" = yes ] && [ "$WARM_QUEUE" -le 5 ]; then
            break
        fi
        [ "$WARMED_S" -ge "$WARMUP_MAX" ] && break
        previous=$LAST_RPS
    done
    return 0
}

# measure_server db algo load(yes|no)
measure_server() {
    local db=$1 algo=$2 load=$3 r order kind conns hwm sampled=0
    WARMED_S=0
    WARM_QUEUE=-1
    start_server "$db" "$algo"
    if [ "$load" = yes ]; then
        start_rss_sampler "$SERVER_PID" "$BENCH_TMP/rss-$db-$algo"
        warm_up "$db" "$algo"
        log "$db-$algo: warm-up ${WARMED_S}s (JIT queue $WARM_QUEUE); $ROUNDS rounds of ${DURATION}s per scenario"
        for ((r = 1; r <= ROUNDS; r++)); do
            if (( r % 2 == 1 )); then order=(healthz token); else order=(token healthz); fi
            for conns in 32 8; do
                for kind in "${order[@]}"; do
                    run_wrk "$db" "$algo" "$kind" "$conns" "$r" "$DURATION"
                done
            done
        done
        sampled=$(cat "$BENCH_TMP/rss-$db-$algo" 2>/dev/null || echo 0)
    fi
    hwm=$(rss_kb "$SERVER_PID" VmHWM)
    stop_pid "$SERVER_PID" 30
    [ "$load" = yes ] && stop_pid "$SAMPLER_PID" 5
    local log_bytes log_errors
    log_bytes=$(wc -c <"$SERVER_LOG")
    log_errors=$(grep -c -E '^[0-9T:.+-]+Z? *ERROR' "$SERVER_LOG" || true)
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$db" "$algo" "$load" "$STARTUP_MS" "$RSS_START_KB" \
        "$hwm" "$sampled" "$log_bytes" "$log_errors" "$WARMED_S" "$WARM_QUEUE" >>"$SERVERS"
    [ "$load" = yes ] && log "$db-$algo: peak RSS (VmHWM) $(( hwm / 1024 )) MiB; request log $(( log_bytes / 1048576 )) MiB, $log_errors ERROR lines"
    return 0
}

machine_info() {
    local cpu mem commit dirty
    cpu=$(awk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || true)
    [ -n "$cpu" ] || cpu=$(lscpu 2>/dev/null | awk -F': *' '/Model name/ { print $2; exit }')
    mem=$(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)
    if commit=$(git rev-parse --short=12 HEAD 2>/dev/null); then
        dirty=$(git status --porcelain --untracked-files=no 2>/dev/null | grep -v " $OUTPUT\$" || true)
        [ -n "$dirty" ] && commit+=" (with uncommitted changes)"
    else
        commit=unknown
    fi
    {
        echo "date=$(date -u '+%Y-%m-%d %H:%M UTC')"
        echo "command=$COMMAND"
        echo "commit=$commit"
        echo "cpu=${cpu:-unknown}"
        echo "cpus=$(nproc)"
        echo "ram=$mem"
        echo "os=$(. /etc/os-release 2>/dev/null && echo "$PRETTY_NAME"), kernel $(uname -r)"
        echo "java=$(java -version 2>&1 | sed -n 2p)"
        echo "wrk=$(wrk -v 2>&1 | head -n 1 | sed 's/ *Copyright.*//')"
        echo "db=$DB"
        echo "rounds=$ROUNDS"
        echo "duration=$DURATION"
        echo "warmup=$WARMUP"
        echo "warmup_max=$WARMUP_MAX"
        echo "algorithms=$ALGORITHMS"
        echo "load_before=$LOAD_BEFORE"
        echo "load_after=$(cut -d' ' -f1-3 /proc/loadavg)"
        echo "build=$([ "$BUILD" = 1 ] && echo "built by this run" || echo "--skip-build: existing jar")"
        local settings="PORTAL_RATE_LIMIT_PER_SECOND=0" v
        for v in HTTP_WORKER_THREADS DATABASE_POOL_SIZE PORTAL_API_KEY_CACHE_SECONDS LOG_FORMAT JAVA_TOOL_OPTIONS JDK_JAVA_OPTIONS; do
            [ -n "${!v:-}" ] && settings+=", $v=${!v}"
        done
        echo "settings=$settings"
        echo "elapsed=$(( $(date +%s) - STARTED ))"
    } >"$META"
}

# more_startups db algo: times STARTUPS - 1 further cold start-ups (the measured server was the first).
more_startups() {
    local i
    for ((i = 1; i < STARTUPS; i++)); do
        start_server "$1" "$2"
        stop_pid "$SERVER_PID" 30
    done
}

# ---------------------------------------------------------------------------------------------
# Settings that would redirect the harness (its database, port, keys, limits) are its own.
unset DATABASE_URL DATABASE_USER DATABASE_PASSWORD DATA_DIR PORT HOST MANAGEMENT_PORT PORTAL_JWT_SECRET \
    PORTAL_SIGNING_KEY PORTAL_RATE_LIMIT_PER_SECOND PORTAL_RATE_LIMIT_BURST PORTAL_AUTH_FAILURES_PER_MINUTE \
    PORTAL_INSTANCES PORTAL_TRUSTED_PROXIES PORTAL_URL

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
ensure_tools
if [ "$BUILD" = 1 ]; then
    log "building the jar (mvn -B -q package -DskipTests)"
    mvn -B -q package -DskipTests >"$BENCH_TMP/build.log" 2>&1 || { tail -n 40 "$BENCH_TMP/build.log" >&2; die "the build failed"; }
fi
[ -f "$JAR" ] || die "$JAR is missing (run without --skip-build)"

# Every algorithm gets a loaded server on the chosen database. Start-up is timed STARTUPS times per
# database with the first algorithm (the default configuration, which the target is judged on), and
# once for any other server that runs anyway.
start_database
for algo in "${ALGOS[@]}"; do
    if [ "$DB" = external ]; then
        measure_server external "$algo" yes
    elif [ "$algo" = "${ALGOS[0]}" ]; then
        measure_server external "$algo" no
    fi
done
more_startups external "${ALGOS[0]}"
stop_database
log "PostgreSQL stopped; the same cluster is now the embedded database of serve --data-dir"
for algo in "${ALGOS[@]}"; do
    if [ "$DB" = embedded ]; then
        measure_server embedded "$algo" yes
    elif [ "$algo" = "${ALGOS[0]}" ]; then
        measure_server embedded "$algo" no
    fi
done
more_startups embedded "${ALGOS[0]}"

machine_info
mkdir -p "$(dirname "$OUTPUT")"
status=0
java bench/Report.java --results "$RESULTS" --servers "$SERVERS" --startups "$STARTUP_TIMES" --meta "$META" \
    --output "$OUTPUT" || status=$?
log "report written to $OUTPUT ($(( $(date +%s) - STARTED )) s in all)"
exit "$status"
