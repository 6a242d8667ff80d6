#!/bin/sh
# Imports the platform's Kibana views (saved-objects.ndjson: data view
# "Nimbus logs", saved searches, Lens charts, dashboard "Nimbus — platform
# logs") and makes the data view the default one if none is set yet.
#
# Run once by compose's kibana-setup service after Kibana is healthy; by hand:
#   docker compose run --rm kibana-setup
# Idempotent: objects keep fixed ids and are overwritten, so a re-run restores
# them (edits made in Kibana to these objects are lost; save copies instead).
set -eu

KIBANA_URL="${KIBANA_URL:-http://kibana:5601}"
SAVED_OBJECTS="${SAVED_OBJECTS:-$(dirname "$0")/saved-objects.ndjson}"
DATA_VIEW_ID="${DATA_VIEW_ID:-nimbus-logs}"
ATTEMPTS="${ATTEMPTS:-60}"

log() { echo "kibana-setup: $*"; }

# /api/status answers 503 until Kibana is available (200 when degraded too,
# which is enough to import).
i=0
until curl -fsS -o /dev/null "$KIBANA_URL/api/status"; do
  i=$((i + 1))
  if [ "$i" -ge "$ATTEMPTS" ]; then
    log "Kibana at $KIBANA_URL did not answer /api/status after $ATTEMPTS attempts" >&2
    exit 1
  fi
  sleep 5
done

# The saved-objects service can still refuse while Kibana warms up: retry.
i=0
while :; do
  i=$((i + 1))
  response=$(curl -sS -X POST "$KIBANA_URL/api/saved_objects/_import?overwrite=true" \
    -H 'kbn-xsrf: true' --form "file=@$SAVED_OBJECTS" || true)
  case "$response" in
    *'"success":true'*) break ;;
  esac
  if [ "$i" -ge 10 ]; then
    log "import of $SAVED_OBJECTS failed: $response" >&2
    exit 1
  fi
  log "import not accepted yet (attempt $i): $response"
  sleep 5
done
log "imported $SAVED_OBJECTS: $response"

# Only when no default data view is set (force false): a user's choice stays.
curl -fsS -X POST "$KIBANA_URL/api/data_views/default" \
  -H 'kbn-xsrf: true' -H 'Content-Type: application/json' \
  -d "{\"data_view_id\":\"$DATA_VIEW_ID\",\"force\":false}" >/dev/null ||
  log "could not set the default data view (not needed for the dashboard)" >&2

log "open $KIBANA_URL/app/dashboards#/view/nimbus-platform-logs (http://localhost:5601 from the host)"
