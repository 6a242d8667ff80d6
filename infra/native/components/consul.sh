#!/usr/bin/env bash
COMPONENT=consul
source "$(dirname "$0")/../lib.sh"

HTTP_PORT=8500
DNS_PORT=8600
SRC="$NATIVE_DIR/go/consul"
BIN="$CACHE_BIN/consul-$CONSUL_VERSION"

# The wrapper module's files decide what gets built: a changed go.mod or go.sum
# must rebuild even though the version in the binary's name stays the same.
src_stamp() { cat "$SRC/go.mod" "$SRC/go.sum" | sha256sum | cut -c1-16; }

install() {
  local stamp; stamp="$(src_stamp)"
  [[ -x "$BIN" && "$(cat "$BIN.stamp" 2>/dev/null)" == "$stamp" ]] && return 0
  grep -qE "^\s*github.com/hashicorp/consul v$CONSUL_VERSION( |$)" "$SRC/go.mod" ||
    die "$SRC/go.mod does not pin consul v$CONSUL_VERSION (versions.env); update both together"
  log "building consul $CONSUL_VERSION from the Go module proxy (10-20 min cold)"
  (cd "$SRC" && CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o "$BIN.tmp" github.com/hashicorp/consul)
  mv "$BIN.tmp" "$BIN"
  echo "$stamp" >"$BIN.stamp"
}

start() {
  [[ -x "$BIN" ]] || die "not installed; run: $0 install"
  if is_running && health >/dev/null 2>&1; then log "already running"; return 0; fi
  # -dev keeps all state in memory (a fresh, empty catalog on every start), so
  # nothing is written under $NIMBUS_DATA_DIR. -client covers HTTP, DNS and gRPC;
  # -bind covers the server RPC and serf ports: all on loopback.
  # No update check: it would call out to the internet, which we do not reach.
  start_daemon "$BIN" agent -dev -bind=127.0.0.1 -client=127.0.0.1 \
    -http-port="$HTTP_PORT" -dns-port="$DNS_PORT" -log-level=info \
    -hcl 'disable_update_check = true'
  wait_until 60 "consul to elect a leader (/v1/status/leader)" health
  log "up: http://127.0.0.1:$HTTP_PORT (UI at /ui/), DNS 127.0.0.1:$DNS_PORT"
}

stop() { stop_daemon 15; }

health() {
  local leader
  leader="$(curl -fsS --max-time 3 "http://127.0.0.1:$HTTP_PORT/v1/status/leader" 2>/dev/null)" ||
    { echo "consul: no answer on $HTTP_PORT"; return 1; }
  # The answer is a JSON string: "127.0.0.1:8300" with a leader, "" without.
  [[ "$leader" == \"?*\" ]] || { echo "consul: no leader yet"; return 1; }
  echo "consul: up, leader ${leader//\"/}"
}

info() { printf '%s,%s\t%s\n' "$HTTP_PORT" "$DNS_PORT" "$CONSUL_VERSION"; }

component_main "$@"
