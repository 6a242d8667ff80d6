#!/usr/bin/env bash
# `npm start`: the whole platform on this machine, natively.
#   platform.sh up      infra, then every service, then demo data; prints the URLs
#   platform.sh down    stop the services, then the infra
#   platform.sh status  infra and services with their health
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/node-deps.sh

# Start order: config first (everyone reads it), auth before the gateway.
SERVICES=(config-server auth-server product-service inventory-service order-service notification-service gateway)
declare -A PORT=([config-server]=8888 [auth-server]=9000 [product-service]=8081 [inventory-service]=8083
  [order-service]=8082 [notification-service]=8084 [gateway]=8080)

# Bootstrap env for every service: where the infra is (infra/endpoints.env).
set -a; source infra/endpoints.env; set +a

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

up() {
  ensure_node_deps
  npx tsc -b
  bash infra/native/infra.sh up
  local s
  for s in "${SERVICES[@]}"; do
    if svc "$s" health 2>/dev/null; then echo "✓ $s already running"
    else svc "$s" start && echo "✓ $s on :${PORT[$s]}"; fi
  done
  node scripts/seed-demo-data.mjs
  cat <<TXT

Nimbus is up.
  API gateway        http://127.0.0.1:8080   (merged API document: /openapi/aggregate.json)
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
