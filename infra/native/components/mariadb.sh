#!/usr/bin/env bash
COMPONENT=mariadb
source "$(dirname "$0")/../lib.sh"

PORT=3306
DIR="$NIMBUS_DATA_DIR/mariadb"
DATA="$DIR/data"
CNF="$DIR/my.cnf"
SOCK="$DIR/mariadb.sock"
# Run as whoever runs us: root needs user=root spelled out, anyone else owns the
# files they create, and install-db gives that same OS user socket access as admin.
ME="$(id -un)"

install() { apt_install "$MARIADB_DEBIAN_PACKAGE"; }

# Our own option file, passed first with --defaults-file so /etc/mysql is never read.
write_cnf() {
  ((${#SOCK} < 108)) || die "socket path $SOCK is over the 107-byte unix socket limit; set a shorter NIMBUS_DATA_DIR"
  mkdir -p "$DIR"
  cat >"$CNF" <<EOF
[mariadbd]
user=$ME
datadir=$DATA
socket=$SOCK
pid-file=$DIR/mariadbd.pid
bind-address=127.0.0.1
port=$PORT
[client]
socket=$SOCK
EOF
}

admin() { mariadb --defaults-file="$CNF" -u "$ME"; }
admin_ping() { mariadb-admin --defaults-file="$CNF" -u "$ME" ping; }

init_datadir() {
  [[ -d "$DATA/mysql" ]] && return 0
  [[ -e "$DATA" ]] && [[ -n "$(ls -A "$DATA")" ]] && die "$DATA is not empty but has no mysql/ system schema; move it away and retry"
  log "initialising $DATA"
  # Build into a scratch dir and rename, so a failed init never leaves a half datadir.
  rm -rf "$DATA.init"
  mariadb-install-db --defaults-file="$CNF" --datadir="$DATA.init" --skip-test-db \
    --auth-root-authentication-method=socket >>"$(log_file)" 2>&1 ||
    die "mariadb-install-db failed; see $(log_file)"
  rm -rf "$DATA" && mv "$DATA.init" "$DATA"
}

start() {
  command -v mariadbd >/dev/null || die "not installed; run: $0 install"
  if is_running && health >/dev/null 2>&1; then log "already running"; return 0; fi
  require_port_free "$PORT"
  write_cnf
  init_datadir
  start_daemon mariadbd --defaults-file="$CNF"
  wait_until 60 "mariadb on $SOCK" admin_ping
  # Idempotent: safe on every start, and resets the password to the one in endpoints.env.
  admin <<'SQL' || die "creating user nimbus failed; see $(log_file)"
CREATE USER IF NOT EXISTS 'nimbus'@'127.0.0.1' IDENTIFIED BY 'nimbus';
CREATE USER IF NOT EXISTS 'nimbus'@'localhost' IDENTIFIED BY 'nimbus';
ALTER USER 'nimbus'@'127.0.0.1' IDENTIFIED BY 'nimbus';
ALTER USER 'nimbus'@'localhost' IDENTIFIED BY 'nimbus';
GRANT ALL PRIVILEGES ON *.* TO 'nimbus'@'127.0.0.1' WITH GRANT OPTION;
GRANT ALL PRIVILEGES ON *.* TO 'nimbus'@'localhost' WITH GRANT OPTION;
SQL
  wait_until 10 "SELECT as nimbus over TCP" health
  log "up on 127.0.0.1:$PORT (socket $SOCK)"
}

stop() {
  # Clean InnoDB shutdown over our socket; stop_daemon then waits and reaps.
  if is_running; then mariadb-admin --defaults-file="$CNF" -u "$ME" shutdown >/dev/null 2>&1 || true; fi
  stop_daemon 60
}

health() {
  local v
  v="$(MYSQL_PWD=nimbus mariadb --no-defaults --protocol=tcp -h 127.0.0.1 -P "$PORT" -u nimbus \
    --connect-timeout=3 -N -B -e 'SELECT VERSION()' 2>/dev/null)" || { echo "mariadb: no answer as nimbus on $PORT"; return 1; }
  echo "mariadb $v: SELECT ok as nimbus on $PORT"
}

info() { printf '%s\t%s\n' "$PORT" "$(deb_version "$MARIADB_DEBIAN_PACKAGE")"; }

component_main "$@"
