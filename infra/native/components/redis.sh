#!/usr/bin/env bash
COMPONENT=redis
source "$(dirname "$0")/../lib.sh"

PORT=6379
DIR="$NIMBUS_DATA_DIR/redis"

install() { apt_install "$REDIS_DEBIAN_PACKAGE"; }

start() {
  command -v redis-server >/dev/null || die "not installed; run: $0 install"
  if is_running && health >/dev/null 2>&1; then log "already running"; return 0; fi
  require_port_free "$PORT"
  mkdir -p "$DIR"
  # No config file: the Debian one binds ::1 too and writes to /var/lib/redis.
  start_daemon redis-server --bind 127.0.0.1 --port "$PORT" --dir "$DIR" \
    --daemonize no --supervised no --logfile "" --appendonly no
  wait_until 30 "redis PONG on $PORT" health
  log "up on 127.0.0.1:$PORT"
}

stop() {
  # SHUTDOWN saves the RDB snapshot before exiting; stop_daemon then reaps.
  if is_running; then redis-cli -h 127.0.0.1 -p "$PORT" shutdown >/dev/null 2>&1 || true; fi
  stop_daemon 30
}

health() {
  local pong version
  pong="$(redis-cli -h 127.0.0.1 -p "$PORT" ping 2>/dev/null)" || true
  [[ $pong == PONG ]] || { echo "redis: no PONG on $PORT"; return 1; }
  version="$(redis-cli -h 127.0.0.1 -p "$PORT" info server 2>/dev/null | sed -n 's/^redis_version:\([^\r]*\).*/\1/p')"
  echo "redis $version: PONG on $PORT"
}

info() { printf '%s\t%s\n' "$PORT" "$(deb_version "$REDIS_DEBIAN_PACKAGE")"; }

component_main "$@"
