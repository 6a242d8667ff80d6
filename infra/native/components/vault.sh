#!/usr/bin/env bash
COMPONENT=vault
source "$(dirname "$0")/../lib.sh"

PORT=8200
CLUSTER_PORT=8201 # dev mode binds the cluster listener on the API port + 1
ADDR="http://127.0.0.1:$PORT"
TOKEN="$(sed -n 's/^VAULT_TOKEN=//p' "$INFRA_DIR/endpoints.env")"
# Wrapper module: its go.mod/go.sum pin Vault and its whole dependency graph.
MOD_DIR="$NATIVE_DIR/go/vault"
BIN="$CACHE_BIN/vault-$VAULT_VERSION"

install() {
  [[ -x "$BIN" ]] && return 0
  grep -q "github.com/hashicorp/vault v$VAULT_VERSION " "$MOD_DIR/go.mod" ||
    die "$MOD_DIR/go.mod does not pin github.com/hashicorp/vault v$VAULT_VERSION (versions.env)"
  local work="$NIMBUS_CACHE_DIR/src/vault-$VAULT_VERSION" sdk
  # Vault builds against its in-tree sdk, which no sdk tag matches: patch the tag
  # go.mod pins (see sdk.patch) and point a scratch copy of go.mod at the result.
  sdk="$(cd "$MOD_DIR" && go mod download -json github.com/hashicorp/vault/sdk | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')"
  [[ -d "$sdk" ]] || die "go mod download gave no source dir for github.com/hashicorp/vault/sdk"
  rm -rf "$work" && mkdir -p "$work"
  cp -r "$sdk" "$work/sdk" && chmod -R u+w "$work/sdk"
  command -v patch >/dev/null || apt_install patch
  patch -s -p1 -d "$work/sdk" <"$MOD_DIR/sdk.patch"
  cp "$MOD_DIR/go.mod" "$work/wrap.mod" && cp "$MOD_DIR/go.sum" "$work/wrap.sum"
  go mod edit -replace="github.com/hashicorp/vault/sdk=$work/sdk" "$work/wrap.mod"
  log "building github.com/hashicorp/vault@v$VAULT_VERSION (long: ~16 min of compiling on 2 cores, plus ~8 min of downloads when cold)"
  (cd "$MOD_DIR" && CGO_ENABLED=0 go build -modfile="$work/wrap.mod" -trimpath -ldflags "-s -w" \
    -o "$BIN.tmp" github.com/hashicorp/vault)
  mv "$BIN.tmp" "$BIN"
  rm -rf "$work"
}

cli() { VAULT_ADDR="$ADDR" VAULT_TOKEN="$TOKEN" "$BIN" "$@"; }

# Dev mode keeps everything in memory, so this runs on every start.
setup() {
  cli secrets list | grep -q '^secret/ ' ||
    cli secrets enable -path=secret -version=2 kv >&2
  cli read -field=options sys/mounts/secret | grep -q 'version:2' ||
    die "secret/ is mounted but not as KV v2"
  cli auth list | grep -q '^approle/ ' || cli auth enable approle >&2
}

start() {
  [[ -x "$BIN" ]] || die "not installed; run: $0 install"
  [[ -n "$TOKEN" ]] || die "VAULT_TOKEN missing in $INFRA_DIR/endpoints.env"
  if is_running && health >/dev/null 2>&1; then log "already running"; return 0; fi
  mkdir -p "$NIMBUS_DATA_DIR/vault"
  cd "$NIMBUS_DATA_DIR/vault"
  # -dev-no-store-token: the dev server would otherwise write ~/.vault-token.
  start_daemon "$BIN" server -dev -dev-root-token-id="$TOKEN" \
    -dev-listen-address="127.0.0.1:$PORT" -dev-no-store-token
  wait_until 60 "vault /v1/sys/health" health
  setup
  log "up on $ADDR (dev mode, in-memory; KV v2 at secret/, approle enabled)"
}

stop() { stop_daemon 30; }

health() {
  local code
  code="$(curl -sS -o /dev/null -w '%{http_code}' --max-time 3 "$ADDR/v1/sys/health" 2>/dev/null)" || true
  [[ "$code" == 200 ]] || { echo "vault: /v1/sys/health gave ${code:-no answer} on $PORT"; return 1; }
  echo "vault: initialized, unsealed, active on $PORT"
}

info() { printf '%s,%s\t%s\n' "$PORT" "$CLUSTER_PORT" "$VAULT_VERSION"; }

component_main "$@"
