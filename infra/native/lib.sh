# Shared helpers for the native infrastructure scripts. Sourced, never run.
#
# Layout (every path can be moved with one env variable):
#   NIMBUS_CACHE_DIR  downloads and builds, reused across clones
#                     default: ${XDG_CACHE_HOME:-$HOME/.cache}/nimbus
#   NIMBUS_DATA_DIR   data, logs and pid files of the running infra
#                     default: <repo>/.data (git-ignored)
#
# A component script is `components/<name>.sh <verb>` with verbs
#   install  idempotent; fetch/build into the cache, fast when already there
#   start    start in the background (assumes installed); return when healthy
#            or fail with a reason
#   stop     stop it; no error when it is not running
#   health   exit 0 when it answers on its port(s), print one short line
#   info     print "PORTS<TAB>VERSION" for the status table
set -euo pipefail

NATIVE_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
INFRA_DIR="$(cd "$NATIVE_DIR/.." && pwd)"
REPO_ROOT="$(cd "$INFRA_DIR/.." && pwd)"

# shellcheck disable=SC1091
set -a; source "$INFRA_DIR/versions.env"; set +a

NIMBUS_CACHE_DIR="${NIMBUS_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/nimbus}"
NIMBUS_DATA_DIR="${NIMBUS_DATA_DIR:-$REPO_ROOT/.data}"
CACHE_BIN="$NIMBUS_CACHE_DIR/bin"          # built binaries, named <tool>-<version>
CACHE_MAVEN="$NIMBUS_CACHE_DIR/m2"         # maven local repository
CACHE_JARS="$NIMBUS_CACHE_DIR/jars"        # resolved class paths, one folder per component+version
LOG_DIR="$NIMBUS_DATA_DIR/logs"
RUN_DIR="$NIMBUS_DATA_DIR/run"
mkdir -p "$CACHE_BIN" "$CACHE_MAVEN" "$CACHE_JARS" "$LOG_DIR" "$RUN_DIR"

# Go builds keep their module and build caches with ours so a fresh clone reuses them.
export GOMODCACHE="${GOMODCACHE_OVERRIDE:-$NIMBUS_CACHE_DIR/go/mod}"
export GOCACHE="${GOCACHE_OVERRIDE:-$NIMBUS_CACHE_DIR/go/build}"
export GOFLAGS="${GOFLAGS:-} -buildvcs=false"
export GOTOOLCHAIN=local

COMPONENT="${COMPONENT:-$(basename "${0%.sh}")}"

log()  { printf '[%s] %s\n' "$COMPONENT" "$*" >&2; }
die()  { printf '[%s] ERROR: %s\n' "$COMPONENT" "$*" >&2; exit 1; }

log_file() { echo "$LOG_DIR/${1:-$COMPONENT}.log"; }
pid_file() { echo "$RUN_DIR/${1:-$COMPONENT}.pid"; }

# is_running [name]: the pid file names a live process.
is_running() {
  local f; f="$(pid_file "${1:-}")"
  [[ -f "$f" ]] && kill -0 "$(cat "$f")" 2>/dev/null
}

# start_daemon cmd args...: run detached in its own session, stdout+stderr to the log.
# The pid recorded is the session leader, so stop_daemon can signal the whole group.
start_daemon() {
  local log; log="$(log_file)"
  if is_running; then log "already running (pid $(cat "$(pid_file)"))"; return 0; fi
  printf '\n===== %s start %s =====\n' "$(date -Is)" "$*" >>"$log"
  setsid nohup "$@" >>"$log" 2>&1 </dev/null &
  echo $! >"$(pid_file)"
}

# stop_daemon [timeout_s]: TERM the process group, then KILL after the timeout.
stop_daemon() {
  local timeout="${1:-30}" f pid i
  f="$(pid_file)"
  [[ -f "$f" ]] || return 0
  pid="$(cat "$f")"
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < timeout * 10; i++)); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
      log "did not stop in ${timeout}s, killing"
      kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
  rm -f "$f"
}

port_open() { (exec 3<>"/dev/tcp/${1}/${2}") 2>/dev/null; }

# wait_until timeout_s description cmd args...: poll cmd until it succeeds.
# Fails early when the daemon we started has died, pointing at its log.
wait_until() {
  local timeout="$1" what="$2"; shift 2
  local deadline=$((SECONDS + timeout))
  until "$@" >/dev/null 2>&1; do
    if [[ -f "$(pid_file)" ]] && ! is_running; then
      tail -n 20 "$(log_file)" >&2 || true
      die "process exited while waiting for $what; see $(log_file)"
    fi
    if ((SECONDS >= deadline)); then
      tail -n 20 "$(log_file)" >&2 || true
      die "timed out after ${timeout}s waiting for $what; see $(log_file)"
    fi
    sleep 0.5
  done
}

http_ok() { curl -fsS -o /dev/null --max-time 3 "$@"; }

# apt_install pkg...: install Debian packages that are missing, without letting
# their maintainer scripts start system services (we run our own instances).
apt_install() {
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  ((${#missing[@]})) || return 0
  local sudo=""; ((EUID == 0)) || sudo="sudo"
  log "apt-get install ${missing[*]}"
  local policy=/usr/sbin/policy-rc.d created=0
  if [[ ! -e $policy ]]; then
    printf '#!/bin/sh\nexit 101\n' | $sudo tee "$policy" >/dev/null && $sudo chmod +x "$policy" && created=1
  fi
  local stamp="$NIMBUS_CACHE_DIR/.apt-updated"
  if [[ ! -f $stamp ]] || [[ -n "$(find "$stamp" -mmin +1440 2>/dev/null)" ]]; then
    $sudo apt-get update -qq && touch "$stamp"
  fi
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
  ((created)) && $sudo rm -f "$policy"
  return 0
}

# deb_version pkg: upstream version of an installed Debian package (no epoch/revision).
deb_version() {
  local v; v="$(dpkg-query -W -f='${Version}' "$1" 2>/dev/null)" || true
  [[ -n $v ]] || { echo "not installed"; return 0; }
  v="${v#*:}"; echo "${v%%[-+~]*}"
}

# require_port_free port...: die naming the owner when a loopback port is taken,
# e.g. by a system service a package started. We never kill what we did not start.
require_port_free() {
  local p owner
  for p in "$@"; do
    port_open 127.0.0.1 "$p" || continue
    owner="$(ss -Hltnp "sport = :$p" 2>/dev/null | grep -o 'users:(.*)' | head -n1)" || true
    die "port $p is already in use by ${owner:-another process}, not ours: stop it (service <name> stop, or kill that pid) and retry"
  done
}

# maven_fetch dest_dir coords...: copy artifacts (with transitive deps when a
# pom is given through maven_resolve_pom) into dest_dir using the cache repo.
maven_copy() {
  local dest="$1"; shift
  mkdir -p "$dest"
  local a
  for a in "$@"; do
    mvn -q -B -Dstyle.color=never -Dmaven.repo.local="$CACHE_MAVEN" \
      org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy \
      -Dartifact="$a" -DoutputDirectory="$dest" >&2
  done
}

# maven_resolve_pom pom dest_dir: copy-dependencies of a pom (runtime scope) into dest_dir.
maven_resolve_pom() {
  local pom="$1" dest="$2"
  mkdir -p "$dest"
  mvn -q -B -Dstyle.color=never -f "$pom" -Dmaven.repo.local="$CACHE_MAVEN" \
    org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy-dependencies \
    -DincludeScope=runtime -DoutputDirectory="$dest" >&2
}

# Dispatch the verb given to a component script to its functions.
component_main() {
  local verb="${1:-}"
  case "$verb" in
    install | start | stop | health | info) "$verb" ;;
    *) die "usage: $0 install|start|stop|health|info" ;;
  esac
}
