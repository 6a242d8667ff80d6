# Sourced by the scripts: install npm dependencies when missing or stale.
ensure_node_deps() {
  local marker=node_modules/.package-lock.json
  if [[ ! -f $marker || package-lock.json -nt $marker ]]; then
    echo "== npm ci"
    npm ci --no-audit --no-fund
  fi
}
