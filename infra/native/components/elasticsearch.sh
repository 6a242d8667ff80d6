#!/usr/bin/env bash
COMPONENT=elasticsearch
source "$(dirname "$0")/../lib.sh"

PORT=9200
TRANSPORT_PORT=9300
POM="$NATIVE_DIR/maven/elasticsearch/pom.xml"
LIB="$CACHE_JARS/elasticsearch-$ELASTICSEARCH_RUNNER_VERSION"
DIR="$NIMBUS_DATA_DIR/elasticsearch"
CONF="$DIR/node_1/config"

# The stamp holds the pom's checksum, so editing the pom re-resolves the class path.
install() {
  local sum; sum="$(sha1sum <"$POM")"
  [[ "$(cat "$LIB/.installed" 2>/dev/null)" == "$sum" ]] && return 0
  log "resolving elasticsearch-cluster-runner:$ELASTICSEARCH_RUNNER_VERSION class path"
  rm -rf "$LIB"
  maven_resolve_pom "$POM" "$LIB"
  echo "$sum" >"$LIB/.installed"
}

# The runner only copies its own defaults into the config dir when these files are
# missing, so writing them first makes ours win. No x-pack here (OSS modules only),
# and embedding the Node skips the bootstrap checks and the seccomp filter.
write_config() {
  mkdir -p "$CONF"
  cat >"$CONF/elasticsearch.yml" <<YML
network.host: 127.0.0.1
transport.port: $TRANSPORT_PORT
discovery.type: single-node
# a nearly full dev disk would otherwise turn every index read-only
cluster.routing.allocation.disk.threshold_enabled: false
YML
  cat >"$CONF/log4j2.properties" <<'PROPS'
status = error
appender.console.type = Console
appender.console.name = console
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = [%d{ISO8601}][%-5p][%-25c{1.}] %m%n
rootLogger.level = info
rootLogger.appenderRef.console.ref = console
PROPS
}

start() {
  [[ -f "$LIB/.installed" ]] || die "not installed; run: $0 install"
  if is_running && health >/dev/null 2>&1; then log "already running"; return 0; fi
  # The runner silently moves to the next free port when 9200 is taken.
  is_running || ! port_open 127.0.0.1 "$PORT" || die "port $PORT is already in use by another process"
  write_config
  # HTTP port = baseHttpPort + node number. The flavor is "unknown" when embedded,
  # and the official JS/Java clients 7.14+ refuse a 7.x server whose GET / does not
  # say build_flavor "default" (their product check); the distribution's launcher
  # sets the same property.
  # C1-only JIT: start-up takes about half the CPU; dev searches are tiny.
  start_daemon java -Xms512m -Xmx512m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:+ExitOnOutOfMemoryError \
    -Des.distribution.flavor=default -Des.distribution.type=tar \
    -Dio.netty.noUnsafe=true -Dio.netty.noKeySetOptimization=true \
    -Dlog4j2.disable.jmx=true -cp "$LIB/*" org.codelibs.elasticsearch.runner.ElasticsearchClusterRunner \
    -basePath "$DIR" -numOfNode 1 -baseHttpPort $((PORT - 1)) -clusterName nimbus
  wait_until 120 "cluster health green or yellow on $PORT" health
  log "up on http://127.0.0.1:$PORT"
}

stop() { stop_daemon 60; }

health() {
  local status
  status="$(curl -fsS --max-time 3 "http://127.0.0.1:$PORT/_cluster/health" 2>/dev/null |
    grep -o '"status":"[a-z]*"' | cut -d'"' -f4)" || true
  [[ "$status" == green || "$status" == yellow ]] || { echo "elasticsearch: cluster health '${status:-no answer}' on $PORT"; return 1; }
  echo "elasticsearch: $status on $PORT"
}

info() { printf '%s,%s\t%s\n' "$PORT" "$TRANSPORT_PORT" "${ELASTICSEARCH_RUNNER_VERSION%.*}"; }

component_main "$@"
