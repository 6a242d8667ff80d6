#!/usr/bin/env bash
# Native infrastructure: install (cached), start, stop and report every component.
#   infra.sh up [name...]      install what is missing, start what is stopped
#   infra.sh down [name...]    stop (reverse order)
#   infra.sh status [name...]  one line per component; exit 1 if any is unhealthy
#   infra.sh install [name...] only install
COMPONENT=infra
source "$(dirname "$0")/lib.sh"
set +e # one component failing must not stop the others; results are collected

# Start order: stores and brokers first, then the JVMs that take longest.
ALL=(mariadb redis rabbitmq consul vault mongo mailpit zipkin kafka elasticsearch)
# Installs are grouped by where they come from: each group runs in sequence,
# the groups in parallel (apt holds a lock; Go builds want the CPU; Maven waits on the network).
declare -A SOURCE=(
  [mariadb]=apt [redis]=apt [rabbitmq]=apt
  [consul]=go [vault]=go [mongo]=go [mailpit]=go
  [zipkin]=maven [kafka]=maven [elasticsearch]=maven
)

verb="${1:-status}"; shift || true
names=("$@"); ((${#names[@]})) || names=("${ALL[@]}")
for n in "${names[@]}"; do
  [[ -n "${SOURCE[$n]:-}" ]] || { echo "unknown component '$n' (known: ${ALL[*]})" >&2; exit 2; }
done

comp() { "$NATIVE_DIR/components/$1.sh" "${@:2}"; }
if [[ -t 1 ]]; then ok=$'\e[32m✓\e[0m' bad=$'\e[31m✗\e[0m'; else ok='OK  ' bad='FAIL'; fi

# run_logged name verb: run a verb, keeping its output in the component's
# provisioning log; on failure print the reason (last lines) and where to look.
run_logged() {
  local name="$1" v="$2" out="$LOG_DIR/$1.$2.log" t0=$SECONDS
  if comp "$name" "$v" >"$out" 2>&1; then
    printf '%s %-14s %s done (%ss)\n' "$ok" "$name" "$v" "$((SECONDS - t0))"
  else
    printf '%s %-14s %s FAILED after %ss:\n' "$bad" "$name" "$v" "$((SECONDS - t0))"
    grep -E 'ERROR|error|Error' "$out" | tail -n 3 | sed 's/^/      /'
    printf '      full output: %s; server log: %s\n' "$out" "$(log_file "$name")"
    return 1
  fi
}

install_group() {
  local group="$1" n rc=0
  for n in "${names[@]}"; do
    [[ "${SOURCE[$n]}" == "$group" ]] || continue
    if run_logged "$n" install; then rm -f "$RUN_DIR/$n.install-failed"
    else touch "$RUN_DIR/$n.install-failed"; rc=1; fi
  done
  return $rc
}

do_install() {
  local pids=() g rc=0
  for g in apt go maven; do install_group "$g" & pids+=($!); done
  for p in "${pids[@]}"; do wait "$p" || rc=1; done
  return $rc
}

do_start() {
  local pids=() n rc=0
  # Components start in parallel: the slow JVMs should not wait on each other.
  for n in "${names[@]}"; do
    if comp "$n" health >/dev/null 2>&1; then
      printf '%s %-14s already running\n' "$ok" "$n"
    elif [[ -f "$RUN_DIR/$n.install-failed" ]]; then
      printf '%s %-14s not started: its install failed (see above)\n' "$bad" "$n"; rc=1
    else
      run_logged "$n" start & pids+=($!)
    fi
  done
  for p in "${pids[@]}"; do wait "$p" || rc=1; done
  return $rc
}

do_status() {
  local n line health state rc=0
  printf '%-14s %-8s %-22s %-12s %s\n' COMPONENT STATE PORTS VERSION DETAIL
  for n in "${names[@]}"; do
    line="$(comp "$n" info 2>/dev/null)" || line=$'?\t?'
    if health="$(comp "$n" health 2>&1)"; then state=healthy; else state=down; rc=1; fi
    printf '%-14s %-8s %-22s %-12s %s\n' "$n" "$state" "${line%%$'\t'*}" "${line#*$'\t'}" \
      "$(if [[ $state == healthy ]]; then echo "${health//$'\n'/ }" | cut -c1-60; else echo "log: $(log_file "$n")"; fi)"
  done
  return $rc
}

do_stop() {
  local i n
  for ((i = ${#names[@]} - 1; i >= 0; i--)); do
    n="${names[$i]}"
    comp "$n" stop >/dev/null 2>&1 && printf 'stopped %s\n' "$n" || printf '%s could not stop %s; see %s\n' "$bad" "$n" "$(log_file "$n")"
  done
}

case "$verb" in
  install) do_install ;;
  up)
    t0=$SECONDS
    do_install; irc=$?
    do_start; src=$?
    echo "infra up in $((SECONDS - t0))s (cache: $NIMBUS_CACHE_DIR, data: $NIMBUS_DATA_DIR)"
    ((irc == 0 && src == 0)) || { echo "some components failed; the others are running. See above." >&2; exit 1; }
    ;;
  down) do_stop ;;
  status) do_status ;;
  *) echo "usage: $0 up|down|status|install [component...]" >&2; exit 2 ;;
esac
