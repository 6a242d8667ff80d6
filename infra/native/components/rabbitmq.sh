#!/usr/bin/env bash
COMPONENT=rabbitmq
source "$(dirname "$0")/../lib.sh"

PORT=5672
MGMT_PORT=15672
DIR="$NIMBUS_DATA_DIR/rabbitmq"
API="http://127.0.0.1:$MGMT_PORT/api"
# The /usr/sbin wrappers `su` to the rabbitmq user, which drops our environment
# (node name, cookie, paths): call the real scripts.
BIN=/usr/lib/rabbitmq/bin

# Every rabbitmq-* call, server and CLI alike, must agree on node name, cookie
# (HOME/.erlang.cookie) and paths, and must not read /etc/rabbitmq.
rmq_env() {
  export HOME="$DIR" \
    RABBITMQ_NODENAME=rabbit@localhost \
    RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 \
    RABBITMQ_NODE_PORT="$PORT" \
    ERL_EPMD_ADDRESS=127.0.0.1 \
    RABBITMQ_CONF_ENV_FILE="$DIR/rabbitmq-env.conf" \
    RABBITMQ_CONFIG_FILE="$DIR/rabbitmq.conf" \
    RABBITMQ_ADVANCED_CONFIG_FILE="$DIR/advanced.config" \
    RABBITMQ_ENABLED_PLUGINS_FILE="$DIR/enabled_plugins" \
    RABBITMQ_MNESIA_BASE="$DIR/mnesia" \
    RABBITMQ_LOG_BASE="$DIR/log" \
    RABBITMQ_LOGS=- \
    ERL_CRASH_DUMP="$DIR/erl_crash.dump"
  # Keeps the Erlang distribution listener (25672, and the CLI's own) off 0.0.0.0.
  export ERL_AFLAGS="-kernel inet_dist_use_interface {127,0,0,1} ${ERL_AFLAGS:-}"
}
rmqctl() { (rmq_env && "$BIN/rabbitmqctl" "$@"); }

install() { apt_install "$RABBITMQ_DEBIAN_PACKAGE"; }

prepare() {
  mkdir -p "$DIR/mnesia" "$DIR/log"
  # Erlang refuses a cookie file that others can read.
  [[ -s "$DIR/.erlang.cookie" ]] || (umask 077 && od -An -N16 -tx1 /dev/urandom | tr -d ' \n' >"$DIR/.erlang.cookie")
  chmod 400 "$DIR/.erlang.cookie"
  echo '[rabbitmq_management].' >"$DIR/enabled_plugins"
  cat >"$DIR/rabbitmq.conf" <<EOF
listeners.tcp.default = 127.0.0.1:$PORT
management.tcp.ip = 127.0.0.1
management.tcp.port = $MGMT_PORT
EOF
}

# nimbus can read its own permissions on / only when the password, the
# administrator tag and the permissions are all in place.
nimbus_ready() { http_ok -u nimbus:nimbus "$API/permissions/%2F/nimbus" 2>/dev/null; }

ensure_user() {
  nimbus_ready && return 0
  log "creating user nimbus (administrator, all permissions on /)"
  local why; why="rabbitmqctl could not set up user nimbus (its error is above); server log: $(log_file)"
  rmqctl add_user nimbus nimbus >/dev/null 2>&1 || rmqctl change_password nimbus nimbus >/dev/null || die "$why"
  rmqctl set_user_tags nimbus administrator >/dev/null || die "$why"
  rmqctl set_permissions -p / nimbus '.*' '.*' '.*' >/dev/null || die "$why"
}

start() {
  [[ -x "$BIN/rabbitmq-server" ]] || die "not installed; run: $0 install"
  if is_running && health >/dev/null 2>&1; then log "already running"; return 0; fi
  require_port_free "$PORT" "$MGMT_PORT" $((PORT + 20000))
  prepare
  # Foreground (no -detached) so the pid file names the server; it turns TERM into a clean stop.
  (rmq_env && cd "$DIR" && start_daemon "$BIN/rabbitmq-server")
  wait_until 120 "AMQP on $PORT and management on $MGMT_PORT" \
    bash -c "(exec 3<>/dev/tcp/127.0.0.1/$PORT) && (exec 3<>/dev/tcp/127.0.0.1/$MGMT_PORT)"
  ensure_user
  wait_until 30 "management API as nimbus" health
  log "up on amqp://127.0.0.1:$PORT, management http://127.0.0.1:$MGMT_PORT"
}

stop() {
  if is_running; then rmqctl stop >/dev/null 2>&1 || true; fi
  stop_daemon 60
}

health() {
  local body
  body="$(curl -fsS --max-time 3 -u nimbus:nimbus "$API/overview" 2>/dev/null)" ||
    { echo "rabbitmq: management API on $MGMT_PORT does not answer for nimbus"; return 1; }
  port_open 127.0.0.1 "$PORT" || { echo "rabbitmq: AMQP port $PORT closed"; return 1; }
  echo "rabbitmq $(sed -n 's/.*"rabbitmq_version":"\([^"]*\)".*/\1/p' <<<"$body"): AMQP $PORT, management $MGMT_PORT ok as nimbus"
}

info() { printf '%s,%s\t%s\n' "$PORT" "$MGMT_PORT" "$(deb_version "$RABBITMQ_DEBIAN_PACKAGE")"; }

component_main "$@"
