#!/usr/bin/env bash
COMPONENT=vault
source "$(dirname "$0")/../lib.sh"

PORT=8200
CLUSTER_PORT=8201
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

# Mounts and auth methods the services expect; idempotent.
# Listings are read whole before grep: `cli … | grep -q` under pipefail fails
# when grep exits first and the CLI gets SIGPIPE, which read as "not mounted"
# and made a restart try to mount secret/ again.
setup() {
  local out
  out="$(cli secrets list)"
  grep -q '^secret/ ' <<<"$out" || cli secrets enable -path=secret -version=2 kv >&2
  out="$(cli read -field=options sys/mounts/secret)"
  grep -q 'version:2' <<<"$out" || die "secret/ is mounted but not as KV v2"
  out="$(cli auth list)"
  grep -q '^approle/ ' <<<"$out" || cli auth enable approle >&2
}

# Not dev mode: dev mode keeps secrets in memory, so a restart would lose the
# keys and passwords the services generated into Vault (the admin password
# among them) while MariaDB kept the accounts. File storage under the data
# dir instead, initialised once with a single unseal key; the key and the
# initial root token stay in init.json beside it (this machine only, never
# in git), and the token in endpoints.env is created with that fixed id.
write_config() {
  cat >"$1" <<HCL
storage "file" {
  path = "$NIMBUS_DATA_DIR/vault/data"
}
listener "tcp" {
  address     = "127.0.0.1:$PORT"
  tls_disable = true
}
api_addr      = "$ADDR"
cluster_addr  = "http://127.0.0.1:$CLUSTER_PORT"
disable_mlock = true
HCL
}

seal_status() { curl -fsS --max-time 3 "$ADDR/v1/sys/seal-status"; }

init_and_unseal() {
  local init="$NIMBUS_DATA_DIR/vault/init.json" key root
  if [[ $(seal_status) == *'"initialized":false'* ]]; then
    (umask 077 && VAULT_ADDR="$ADDR" "$BIN" operator init -key-shares=1 -key-threshold=1 -format=json >"$init.tmp")
    mv "$init.tmp" "$init"
    log "initialised; unseal key and initial root token in $init"
  fi
  [[ -f "$init" ]] || die "Vault in $NIMBUS_DATA_DIR/vault/data is initialised but $init is missing; remove the data dir to start afresh"
  key="$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).unseal_keys_b64[0])' "$init")"
  if [[ $(seal_status) == *'"sealed":true'* ]]; then
    VAULT_ADDR="$ADDR" "$BIN" operator unseal "$key" >/dev/null
  fi
  wait_until 30 "vault active" health
  if ! cli token lookup >/dev/null 2>&1; then
    root="$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).root_token)' "$init")"
    VAULT_ADDR="$ADDR" VAULT_TOKEN="$root" "$BIN" token create -id="$TOKEN" -policy=root -orphan -display-name=nimbus-local >/dev/null
  fi
}

start() {
  [[ -x "$BIN" ]] || die "not installed; run: $0 install"
  [[ -n "$TOKEN" ]] || die "VAULT_TOKEN missing in $INFRA_DIR/endpoints.env"
  if is_running && health >/dev/null 2>&1; then log "already running"; return 0; fi
  mkdir -p "$NIMBUS_DATA_DIR/vault/data"
  cd "$NIMBUS_DATA_DIR/vault"
  write_config "$NIMBUS_DATA_DIR/vault/vault.hcl"
  start_daemon "$BIN" server -config="$NIMBUS_DATA_DIR/vault/vault.hcl"
  wait_until 60 "vault listening on $PORT" seal_status
  init_and_unseal
  setup
  log "up on $ADDR (file storage in $NIMBUS_DATA_DIR/vault/data; KV v2 at secret/, approle enabled)"
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
