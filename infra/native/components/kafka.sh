#!/usr/bin/env bash
COMPONENT=kafka
source "$(dirname "$0")/../lib.sh"

PORT=9092
CONTROLLER_PORT=9093
POM="$NATIVE_DIR/maven/kafka/pom.xml"
LIB="$CACHE_JARS/kafka-$KAFKA_VERSION"
DIR="$NIMBUS_DATA_DIR/kafka"

# The stamp holds the pom's checksum, so editing the pom re-resolves the class path.
install() {
  local sum; sum="$(sha1sum <"$POM")"
  [[ "$(cat "$LIB/.installed" 2>/dev/null)" == "$sum" ]] && return 0
  log "resolving kafka_$KAFKA_SCALA_VERSION:$KAFKA_VERSION class path"
  rm -rf "$LIB"
  maven_resolve_pom "$POM" "$LIB"
  echo "$sum" >"$LIB/.installed"
}

# C1-only JIT: start-up (and each tool run) takes about half the CPU; a dev broker
# never needs peak throughput.
JAVA_CMD=(java -Xms256m -Xmx512m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:+ExitOnOutOfMemoryError
  -Djava.awt.headless=true -Dlog4j.configuration="file:$DIR/log4j.properties" -cp "$LIB/*")

write_config() {
  cat >"$DIR/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$PORT,CONTROLLER://127.0.0.1:$CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$DIR/data
auto.create.topics.enable=true
num.partitions=3
default.replication.factor=1
offsets.topic.replication.factor=1
# fewer than the default 50 partitions makes the first consumer group join quick
offsets.topic.num.partitions=10
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
group.initial.rebalance.delay.ms=0
PROPS
  cat >"$DIR/log4j.properties" <<'PROPS'
log4j.rootLogger=INFO, stdout
log4j.appender.stdout=org.apache.log4j.ConsoleAppender
log4j.appender.stdout.layout=org.apache.log4j.PatternLayout
log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka.request.logger=WARN
log4j.logger.state.change.logger=WARN
PROPS
}

start() {
  [[ -f "$LIB/.installed" ]] || die "not installed; run: $0 install"
  if is_running && health >/dev/null 2>&1; then log "already running"; return 0; fi
  mkdir -p "$DIR/data"
  write_config
  # KRaft refuses to start on an unformatted log dir; format exactly once.
  if [[ ! -f "$DIR/data/meta.properties" ]]; then
    # The tool logs to stdout too: the id is its last line.
    local id; id="$("${JAVA_CMD[@]}" kafka.tools.StorageTool random-uuid | tail -n 1)"
    [[ "$id" =~ ^[A-Za-z0-9_-]{22}$ ]] || die "bad cluster id from StorageTool: $id"
    log "formatting storage, cluster id $id"
    "${JAVA_CMD[@]}" kafka.tools.StorageTool format -t "$id" -c "$DIR/server.properties" >>"$(log_file)" 2>&1 \
      || die "storage format failed; see $(log_file)"
  fi
  start_daemon "${JAVA_CMD[@]}" kafka.Kafka "$DIR/server.properties"
  wait_until 90 "a registered broker in the metadata on $PORT" health
  log "up on 127.0.0.1:$PORT (controller $CONTROLLER_PORT)"
}

stop() { stop_daemon 60; }

# Metadata v4 request (api key 3, all topics, no auto-create) spoken over bash's
# /dev/tcp: no JVM per check, and the broker lists itself only once it is
# registered and unfenced, so this says "ready for clients", not just "port open".
# v4 is in every broker from 1.0 up to 4.x. Reply: size, correlation id,
# throttle ms, broker count (int32 each).
metadata_brokers() {
  timeout 3 bash -c '
    exec 3<>/dev/tcp/127.0.0.1/'"$PORT"'
    printf "\x00\x00\x00\x15\x00\x03\x00\x04\x00\x00\x00\x2a\x00\x06nimbus\xff\xff\xff\xff\x00" >&3
    head -c 16 <&3 | od -An -tu1' 2>/dev/null |
    awk 'NF == 16 && $8 == 42 { print $13 * 16777216 + $14 * 65536 + $15 * 256 + $16; ok = 1 } END { exit !ok }'
}

health() {
  local n
  if ! n="$(metadata_brokers)" || ((n == 0)); then echo "kafka: no broker in metadata on $PORT"; return 1; fi
  port_open 127.0.0.1 "$CONTROLLER_PORT" || { echo "kafka: controller port $CONTROLLER_PORT closed"; return 1; }
  echo "kafka: $n broker(s) on $PORT, controller on $CONTROLLER_PORT"
}

info() { printf '%s,%s\t%s\n' "$PORT" "$CONTROLLER_PORT" "$KAFKA_VERSION"; }

component_main "$@"
