#!/usr/bin/env bash
COMPONENT=mailpit
source "$(dirname "$0")/../lib.sh"

SMTP_PORT=1025
HTTP_PORT=8025
MODULE=github.com/axllent/mailpit
BIN="$CACHE_BIN/mailpit-$MAILPIT_VERSION"
WORK="$NIMBUS_CACHE_DIR/src/mailpit-$MAILPIT_VERSION"

install() {
  [[ -x "$BIN" ]] && return 0
  log "fetching $MODULE@v$MAILPIT_VERSION"
  local src
  src="$(cd / && go mod download -json "$MODULE@v$MAILPIT_VERSION" | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')"
  [[ -d "$src" ]] || die "go mod download gave no source dir for $MODULE@v$MAILPIT_VERSION"
  # The module zip lacks the web UI bundle (server/ui/dist is git-ignored upstream),
  # so build it in a writable copy before go:embed picks server/ui up.
  rm -rf "$WORK" && mkdir -p "$(dirname "$WORK")" && cp -r "$src" "$WORK" && chmod -R u+w "$WORK"
  (
    cd "$WORK"
    log "building the web UI (npm ci, npm run package)"
    npm ci --no-audit --no-fund --cache "$NIMBUS_CACHE_DIR/npm" >&2
    npm run package >&2
    [[ -f server/ui/dist/app.js ]] || die "UI build produced no server/ui/dist/app.js"
    log "go build"
    CGO_ENABLED=0 go build -trimpath \
      -ldflags "-s -w -X $MODULE/config.Version=v$MAILPIT_VERSION" -o "$BIN.tmp" .
  )
  mv "$BIN.tmp" "$BIN"
  rm -rf "$WORK"
}

start() {
  [[ -x "$BIN" ]] || die "not installed; run: $0 install"
  if is_running && health >/dev/null 2>&1; then log "already running"; return 0; fi
  mkdir -p "$NIMBUS_DATA_DIR/mailpit"
  # accept-any + allow-insecure: clients that always send credentials (nodemailer
  # with auth) must be accepted over plain SMTP on loopback.
  # No version check: it would call out to the internet, which we do not reach.
  start_daemon "$BIN" \
    --listen "127.0.0.1:$HTTP_PORT" --smtp "127.0.0.1:$SMTP_PORT" \
    --database "$NIMBUS_DATA_DIR/mailpit/mailpit.db" \
    --smtp-auth-accept-any --smtp-auth-allow-insecure --disable-version-check
  wait_until 30 "mailpit /api/v1/info" health
  log "up: SMTP 127.0.0.1:$SMTP_PORT, UI+API http://127.0.0.1:$HTTP_PORT"
}

stop() { stop_daemon 15; }

health() {
  local body
  body="$(curl -fsS --max-time 3 "http://127.0.0.1:$HTTP_PORT/api/v1/info" 2>/dev/null)" ||
    { echo "mailpit: no answer on $HTTP_PORT"; return 1; }
  grep -q '"Version"' <<<"$body" || { echo "mailpit: unexpected /api/v1/info: ${body:0:80}"; return 1; }
  port_open 127.0.0.1 "$SMTP_PORT" || { echo "mailpit: SMTP $SMTP_PORT closed"; return 1; }
  echo "mailpit: up, SMTP $SMTP_PORT, HTTP $HTTP_PORT"
}

info() { printf '%s,%s\t%s\n' "$SMTP_PORT" "$HTTP_PORT" "$MAILPIT_VERSION"; }

component_main "$@"
