#!/usr/bin/env bash
# `npm start`: the whole platform on this machine, natively.
#   platform.sh up      infra, then every service, then demo data; prints the URLs
#                       EVENTS_BINDER=kafka selects the event bus binder (default rabbitmq); services
#                       already running on the other binder are restarted on this one
#   platform.sh down    stop the services, then the infra
#   platform.sh status  infra and services with their health
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/node-deps.sh

# Start order: config first (everyone reads it), auth before the gateway.
SERVICES=(config-server auth-server product-service inventory-service order-service notification-service gateway)
declare -A PORT=([config-server]=8888 [auth-server]=9000 [product-service]=8081 [inventory-service]=8083
  [order-service]=8082 [notification-service]=8084 [gateway]=8080)

# Services whose business events go through the bus binder (config refresh events stay on RabbitMQ).
BUS_USERS=" product-service inventory-service order-service notification-service "

# Bootstrap env for every service: where the infra is (infra/endpoints.env).
set -a; source infra/endpoints.env; set +a
export EVENTS_BINDER="${EVENTS_BINDER:-rabbitmq}"
case "$EVENTS_BINDER" in rabbitmq|kafka) ;; *) echo "EVENTS_BINDER must be rabbitmq or kafka, not '$EVENTS_BINDER'" >&2; exit 2 ;; esac
BINDER_FILE=.data/platform-events-binder

# Each service runs like an infra component: pid and log under .data, via lib.sh.
svc() {
  local name="$1" verb="$2"
  COMPONENT="$name" bash -c '
    source infra/native/lib.sh
    name=$COMPONENT port=$1
    case $2 in
      start)
        PORT=$port HOST=127.0.0.1 SERVICE_NAME=$name start_daemon node --import @nimbus/kit/register "services/$name/dist/src/main.js"
        wait_until 60 "$name on :$port/health/ready" http_ok "http://127.0.0.1:$port/health/ready" ;;
      stop) stop_daemon 20 ;;
      health) http_ok "http://127.0.0.1:$port/health/ready" ;;
    esac' _ "${PORT[$name]}" "$verb"
}

# start_service name what: a service that cannot start stops `up` (a failure on the left of && would not).
start_service() {
  if ! svc "$1" start; then
    echo "✗ $1 did not start; log: .data/logs/$1.log" >&2
    exit 1
  fi
  echo "✓ $1 $2"
}

up() {
  ensure_node_deps
  npx tsc -b
  bash infra/native/infra.sh up
  local s running_binder
  running_binder=$(cat "$BINDER_FILE" 2>/dev/null || echo rabbitmq)
  for s in "${SERVICES[@]}"; do
    if svc "$s" health 2>/dev/null; then
      if [[ $running_binder != "$EVENTS_BINDER" && $BUS_USERS == *" $s "* ]]; then
        svc "$s" stop
        start_service "$s" "restarted on the $EVENTS_BINDER binder"
      else echo "✓ $s already running"; fi
    else start_service "$s" "on :${PORT[$s]}"; fi
  done
  echo "$EVENTS_BINDER" > "$BINDER_FILE"
  node scripts/seed-demo-data.mjs
  cat <<TXT

Nimbus is up (event bus binder: $EVENTS_BINDER).
  API gateway        http://127.0.0.1:8080   (API docs: /docs, merged API document: /openapi.json)
  Auth server        http://127.0.0.1:9000/.well-known/openid-configuration
  Config server      http://127.0.0.1:8888
  Zipkin             http://127.0.0.1:9411
  Consul             http://127.0.0.1:8500/ui
  RabbitMQ           http://127.0.0.1:15672  (nimbus / nimbus)
  Mailpit            http://127.0.0.1:8025
  Elasticsearch      http://127.0.0.1:9200   (Kibana: docker compose only)
Logs: .data/logs/   Stop: npm run stop
TXT
}

down() {
  local i
  for ((i = ${#SERVICES[@]} - 1; i >= 0; i--)); do svc "${SERVICES[$i]}" stop || true; done
  bash infra/native/infra.sh down
}

status() {
  bash infra/native/infra.sh status || true
  echo "event bus binder: $(cat "$BINDER_FILE" 2>/dev/null || echo rabbitmq)"
  local s
  for s in "${SERVICES[@]}"; do
    if svc "$s" health 2>/dev/null; then printf '%-22s healthy  :%s\n' "$s" "${PORT[$s]}"
    else printf '%-22s down     log: .data/logs/%s.log\n' "$s" "$s"; fi
  done
}

case "${1:-up}" in
  up) up ;;
  down) down ;;
  status) status ;;
  *) echo "usage: $0 up|down|status" >&2; exit 2 ;;
esac
