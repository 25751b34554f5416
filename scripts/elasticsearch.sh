#!/usr/bin/env bash
# A real single-node Elasticsearch for tests and for users without Docker.
#
#   scripts/elasticsearch.sh fetch    # Maven Central -> .es/elasticsearch-$VERSION (integ-test-zip, no JDK inside)
#   scripts/elasticsearch.sh start    # 127.0.0.1:$PORT, small heap, daemonized, waits until yellow/green
#   scripts/elasticsearch.sh stop     # SIGTERM, then SIGKILL after 30 s
#   scripts/elasticsearch.sh status   # prints cluster health or "stopped"; exit 0 only when running
#   scripts/elasticsearch.sh java     # prints the JDK (>= 21) it would use, or fails saying what to install
#
# Environment: PVWATCH_ES_VERSION (9.2.0: the major must match the Python client's), PVWATCH_ES_PORT (9250),
# PVWATCH_ES_HOME (.es in the repo), PVWATCH_ES_HEAP (512m), ES_JAVA_HOME (else the newest JDK >= 21 found).
# Elasticsearch refuses to run as root: when started by root it runs as the system user `pvwatch-es`.
set -euo pipefail
cd "$(dirname "$0")/.."

VERSION="${PVWATCH_ES_VERSION:-9.2.0}"
PORT="${PVWATCH_ES_PORT:-9250}"
TPORT=$((PORT + 100))
BASE="$(mkdir -p "${PVWATCH_ES_HOME:-.es}" && cd "${PVWATCH_ES_HOME:-.es}" && pwd)"
HOME_DIR="$BASE/elasticsearch-$VERSION"
RUN_DIR="$BASE/run-$PORT"
PID_FILE="$RUN_DIR/es.pid"
HEAP="${PVWATCH_ES_HEAP:-512m}"
ARTIFACT="org.elasticsearch.distribution.integ-test-zip:elasticsearch:$VERSION:zip"
ES_USER="pvwatch-es"
URL="http://127.0.0.1:$PORT"

die() { echo "elasticsearch.sh: $*" >&2; exit 1; }

java_major() {  # prints the major version of $1/bin/java, or 0
    "$1/bin/java" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -1 || echo 0
}

find_java() {  # Elasticsearch 9 needs Java 21 or newer; the integ-test zip bundles none
    if [ -n "${ES_JAVA_HOME:-}" ]; then echo "$ES_JAVA_HOME"; return; fi
    local best="" best_v=0 d v
    for d in /usr/lib/jvm/* ${JAVA_HOME:-}; do
        [ -x "$d/bin/java" ] || continue
        v="$(java_major "$d")"; v="${v:-0}"
        if [ "$v" -ge 21 ] && [ "$v" -gt "$best_v" ]; then best="$d"; best_v="$v"; fi
    done
    [ -n "$best" ] || die "no JDK >= 21 found under /usr/lib/jvm; install one (e.g. a Temurin 21/25 JDK) or set ES_JAVA_HOME"
    echo "$best"
}

fetch() {
    if [ -x "$HOME_DIR/bin/elasticsearch" ]; then echo "elasticsearch $VERSION already in $HOME_DIR"; return; fi
    command -v mvn >/dev/null || die "Maven (mvn) is needed to fetch $ARTIFACT; install it (apt-get install maven)"
    echo "fetching $ARTIFACT from Maven Central"
    local tmp; tmp="$(mktemp -d)"
    mvn -q -B -Dstyle.color=never dependency:get -Dartifact="$ARTIFACT" -Dtransitive=false \
        || die "Maven could not fetch $ARTIFACT (is Maven Central reachable?)"
    local repo="${MAVEN_REPO_LOCAL:-$HOME/.m2/repository}"
    local zip="$repo/org/elasticsearch/distribution/integ-test-zip/elasticsearch/$VERSION/elasticsearch-$VERSION.zip"
    [ -f "$zip" ] || die "downloaded artifact not found at $zip; set MAVEN_REPO_LOCAL to your local Maven repository"
    unzip -q "$zip" -d "$tmp"
    rm -rf "$HOME_DIR"
    mv "$tmp/elasticsearch-$VERSION" "$HOME_DIR"
    rm -rf "$tmp"
    echo "elasticsearch $VERSION unpacked in $HOME_DIR"
}

relocate_if_unreadable() {
    # As root, Elasticsearch runs as $ES_USER, who must read the distribution. A repo inside a private
    # directory (mode 700, e.g. a CI clone under mktemp) is unreadable to it: run from a copy in /var/tmp.
    [ "$(id -u)" = 0 ] && [ -x "$HOME_DIR/bin/elasticsearch" ] || return 0
    id "$ES_USER" >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin "$ES_USER"
    runuser -u "$ES_USER" -- test -r "$HOME_DIR/lib/elasticsearch-$VERSION.jar" 2>/dev/null && return 0
    local alt="/var/tmp/pvwatch-es"
    mkdir -p "$alt" && chmod 755 "$alt"
    [ -x "$alt/elasticsearch-$VERSION/bin/elasticsearch" ] || cp -a "$HOME_DIR" "$alt/"
    HOME_DIR="$alt/elasticsearch-$VERSION"; RUN_DIR="$alt/run-$PORT"; PID_FILE="$RUN_DIR/es.pid"
}

running() { [ -f "$PID_FILE" ] && kill -0 "$(cat "$PID_FILE")" 2>/dev/null; }

health() { curl -fsS --max-time 5 "$URL/_cluster/health?wait_for_status=yellow&timeout=${1:-1}s" 2>/dev/null; }

start() {
    if [ ! -x "$HOME_DIR/bin/elasticsearch" ]; then fetch; relocate_if_unreadable; fi
    if running; then echo "already running (pid $(cat "$PID_FILE")) on $URL"; return; fi
    if curl -fsS --max-time 2 "$URL" >/dev/null 2>&1; then die "port $PORT is taken by another server; set PVWATCH_ES_PORT"; fi
    local java; java="$(find_java)"
    mkdir -p "$RUN_DIR/data" "$RUN_DIR/logs" "$RUN_DIR/tmp"
    local -a as_user=()
    if [ "$(id -u)" = 0 ]; then
        id "$ES_USER" >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin "$ES_USER"
        chown -R "$ES_USER" "$RUN_DIR" "$HOME_DIR/config" "$HOME_DIR/logs" 2>/dev/null || chown -R "$ES_USER" "$RUN_DIR"
        as_user=(runuser -u "$ES_USER" --)
    fi
    rm -f "$PID_FILE"
    echo "starting elasticsearch $VERSION on $URL (java $(java_major "$java"), heap $HEAP, data $RUN_DIR/data)"
    "${as_user[@]}" env ES_JAVA_HOME="$java" ES_TMPDIR="$RUN_DIR/tmp" \
        ES_JAVA_OPTS="-Xms$HEAP -Xmx$HEAP -XX:-HeapDumpOnOutOfMemoryError" \
        "$HOME_DIR/bin/elasticsearch" -d -p "$PID_FILE" >"$RUN_DIR/start.out" 2>&1 \
        -Ecluster.name=pvwatch-local -Enode.name=pvwatch-local \
        -Ediscovery.type=single-node -Enetwork.host=127.0.0.1 \
        -Ehttp.port="$PORT" -Etransport.port="$TPORT" \
        -Epath.data="$RUN_DIR/data" -Epath.logs="$RUN_DIR/logs" \
        -Expack.security.enabled=false \
        -Ecluster.routing.allocation.disk.threshold_enabled=false \
        -Eaction.auto_create_index=true \
        || { tail -30 "$RUN_DIR/start.out" >&2; die "elasticsearch failed to start; see $RUN_DIR/start.out"; }
    local deadline=$((SECONDS + ${PVWATCH_ES_START_TIMEOUT:-120}))
    until health 2 >/dev/null; do
        if [ $SECONDS -ge $deadline ]; then
            tail -20 "$RUN_DIR/logs/pvwatch-local.log" >&2 || true
            die "not healthy after ${PVWATCH_ES_START_TIMEOUT:-120}s; see $RUN_DIR/logs/pvwatch-local.log"
        fi
        running || { tail -20 "$RUN_DIR/logs/pvwatch-local.log" >&2 || true; die "elasticsearch exited during start-up"; }
        sleep 1
    done
    echo "elasticsearch is up on $URL (pid $(cat "$PID_FILE"))"
}

stop() {
    if ! running; then echo "not running"; rm -f "$PID_FILE"; return; fi
    local pid; pid="$(cat "$PID_FILE")"
    kill -TERM "$pid"
    for _ in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
    if kill -0 "$pid" 2>/dev/null; then echo "still alive after 30s; killing" >&2; kill -KILL "$pid"; fi
    rm -f "$PID_FILE"
    echo "stopped"
}

status() {
    if running && health 1; then echo; return 0; fi
    echo "stopped"; return 1
}

[ "${1:-}" = fetch ] || relocate_if_unreadable
case "${1:-}" in
    fetch) fetch ;;
    start) start ;;
    stop) stop ;;
    status) status ;;
    url) echo "$URL" ;;
    java) find_java ;;
    *) echo "usage: $0 {fetch|start|stop|status|url|java}" >&2; exit 2 ;;
esac
