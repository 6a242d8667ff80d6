#!/usr/bin/env bash
COMPONENT=mongo
source "$(dirname "$0")/../lib.sh"

# MongoDB wire protocol served by FerretDB on its SQLite backend: no real mongod
# is obtainable from the registries we reach.
PORT=27017
SRC="$NATIVE_DIR/go/ferretdb"
BIN="$CACHE_BIN/ferretdb-$FERRETDB_VERSION"
DATA="$NIMBUS_DATA_DIR/mongo"

# The wrapper module's files decide what gets built: a changed main.go or go.mod
# must rebuild even though the version in the binary's name stays the same.
src_stamp() { cat "$SRC/go.mod" "$SRC/go.sum" "$SRC"/*.go | sha256sum | cut -c1-16; }

install() {
  local stamp; stamp="$(src_stamp)"
  [[ -x "$BIN" && "$(cat "$BIN.stamp" 2>/dev/null)" == "$stamp" ]] && return 0
  grep -qE "^\s*github.com/FerretDB/FerretDB v$FERRETDB_VERSION( |$)" "$SRC/go.mod" ||
    die "$SRC/go.mod does not pin FerretDB v$FERRETDB_VERSION (versions.env); update both together"
  log "building FerretDB $FERRETDB_VERSION from the Go module proxy (3-5 min cold)"
  # Only the SQLite backend is used; leaving PostgreSQL out makes a smaller binary.
  (cd "$SRC" && CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -tags ferretdb_no_postgresql -o "$BIN.tmp" .)
  mv "$BIN.tmp" "$BIN"
  echo "$stamp" >"$BIN.stamp"
}

start() {
  [[ -x "$BIN" ]] || die "not installed; run: $0 install"
  if is_running && health >/dev/null 2>&1; then log "already running"; return 0; fi
  mkdir -p "$DATA"
  start_daemon "$BIN" serve -listen "127.0.0.1:$PORT" -sqlite-dir "$DATA"
  wait_until 30 "a MongoDB wire-protocol answer on $PORT" health
  log "up: mongodb://127.0.0.1:$PORT (FerretDB $FERRETDB_VERSION, SQLite files in $DATA)"
}

stop() { stop_daemon 15; }

health() {
  # Port check first: a closed port fails at once instead of after the driver's time-out.
  port_open 127.0.0.1 "$PORT" || { echo "mongo: nothing listening on $PORT"; return 1; }
  # ping: a real driver handshake (hello) plus a buildInfo command.
  local out
  out="$("$BIN" ping -uri "mongodb://127.0.0.1:$PORT" -timeout 3s 2>&1)" ||
    { echo "mongo: no MongoDB answer on $PORT: ${out:0:120}"; return 1; }
  echo "mongo: up, $out"
}

info() { printf '%s\t%s\n' "$PORT" "$FERRETDB_VERSION"; }

component_main "$@"
