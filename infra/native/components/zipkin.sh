#!/usr/bin/env bash
COMPONENT=zipkin
source "$(dirname "$0")/../lib.sh"

PORT=9411
JAR_DIR="$CACHE_JARS/zipkin-$ZIPKIN_VERSION"
JAR="$JAR_DIR/zipkin-server-$ZIPKIN_VERSION-exec.jar"

install() {
  [[ -f "$JAR_DIR/.installed" ]] && return 0
  log "fetching io.zipkin:zipkin-server:$ZIPKIN_VERSION (exec)"
  maven_copy "$JAR_DIR" "io.zipkin:zipkin-server:$ZIPKIN_VERSION:jar:exec"
  [[ -f "$JAR" ]] || die "expected $JAR after download"
  touch "$JAR_DIR/.installed"
}

start() {
  [[ -f "$JAR_DIR/.installed" ]] || die "not installed; run: $0 install"
  if is_running && health >/dev/null 2>&1; then log "already running"; return 0; fi
  mkdir -p "$NIMBUS_DATA_DIR/zipkin"
  cd "$NIMBUS_DATA_DIR/zipkin" || die "cannot enter $NIMBUS_DATA_DIR/zipkin"
  # In-memory storage (the default) keeps no files; the data dir is just the cwd.
  # The armeria.ports override replaces the default 0.0.0.0 binding with loopback.
  # C1-only JIT and serial GC: start-up takes half the CPU and a third less RSS, and a
  # dev trace store never needs peak throughput.
  STORAGE_TYPE=mem start_daemon java -Xms64m -Xmx256m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC \
    -XX:+ExitOnOutOfMemoryError -jar "$JAR" \
    --armeria.ports[0].port="$PORT" --armeria.ports[0].ip=127.0.0.1 \
    --armeria.ports[0].protocols[0]=http
  wait_until 90 "zipkin /health UP" health
  log "up on http://127.0.0.1:$PORT"
}

stop() { stop_daemon 30; }

health() {
  local body
  body="$(curl -fsS --max-time 3 "http://127.0.0.1:$PORT/health" 2>/dev/null)" || { echo "zipkin: no answer on $PORT"; return 1; }
  grep -q '"status" *: *"UP"' <<<"$body" || { echo "zipkin: not UP: ${body:0:80}"; return 1; }
  echo "zipkin: UP on $PORT"
}

info() { printf '%s\t%s\n' "$PORT" "$ZIPKIN_VERSION"; }

component_main "$@"
