#!/usr/bin/env bash
# Local infrastructure for smsgate: Apache Kafka (KRaft, single node) and PostgreSQL, on loopback.
#
#   scripts/infra.sh up [kafka|postgres]   start (or reuse) what is asked, default both
#   scripts/infra.sh down [kafka|postgres] stop it
#   scripts/infra.sh status                say what runs and where
#   scripts/infra.sh env                   print KAFKA_BROKERS / DATABASE_URL of this instance
#   scripts/infra.sh destroy               stop and delete this instance's data
#
# Settings (environment):
#   SMSGATE_INFRA_DIR   instance folder (default .local/infra); tests use their own
#   SMSGATE_INFRA_PORTS "default" (9092/9093/5432, falling back to free ports when taken) or "free"
#   KAFKA_HEAP_OPTS     JVM heap for the broker (default -Xms256m -Xmx768m)
#   PG_EXTRA_OPTS       extra postgres -c options (tests pass fsync=off to go faster)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# Absolute: postgres runs as another user and the folder walk below climbs to /.
INFRA_DIR="$(realpath -m "${SMSGATE_INFRA_DIR:-$ROOT/.local/infra}")"
KAFKA_LIB="$ROOT/.local/kafka-lib"
KAFKA_POM="$ROOT/scripts/infra/kafka-pom.xml"
STATE="$INFRA_DIR/infra.env"
PORT_MODE="${SMSGATE_INFRA_PORTS:-default}"
KAFKA_DIR="$INFRA_DIR/kafka"
PG_DIR="$INFRA_DIR/postgres"

say() { printf '[infra] %s\n' "$*" >&2; }
die() { printf '[infra] error: %s\n' "$*" >&2; exit 1; }

mkdir -p "$INFRA_DIR"
# shellcheck disable=SC1090
[ -f "$STATE" ] && source "$STATE"

save_state() {
  cat >"$STATE" <<EOF
KAFKA_PORT=${KAFKA_PORT:-}
KAFKA_CONTROLLER_PORT=${KAFKA_CONTROLLER_PORT:-}
PG_PORT=${PG_PORT:-}
PG_PASSWORD=${PG_PASSWORD:-}
EOF
}

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

free_port() {
  node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"
}

# choose_port VAR DEFAULT: keep a remembered port, else the default (or a free one).
choose_port() {
  local var=$1 def=$2 current=${!1:-}
  if [ -n "$current" ]; then return; fi
  if [ "$PORT_MODE" = free ]; then
    printf -v "$var" '%s' "$(free_port)"
  elif port_busy "$def"; then
    printf -v "$var" '%s' "$(free_port)"
    say "port $def is taken by another program; using ${!var} instead"
  else
    printf -v "$var" '%s' "$def"
  fi
}

# shellcheck source=apt.sh
source "$ROOT/scripts/apt.sh"

pid_alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

# ---------------------------------------------------------------- Kafka
need_java() {
  if ! command -v java >/dev/null; then
    say "Java is missing; installing openjdk-17-jre-headless"
    apt_install openjdk-17-jre-headless || die "Java 17+ is required for Kafka (apt-get install openjdk-17-jre-headless)"
  fi
  if [ ! -f "$KAFKA_LIB/.complete" ] && ! command -v mvn >/dev/null; then
    say "Maven is missing; installing maven"
    apt_install maven || die "Maven is required to fetch Kafka from Maven Central (apt-get install maven)"
  fi
}

fetch_kafka() {
  [ -f "$KAFKA_LIB/.complete" ] && return
  say "fetching Apache Kafka from Maven Central into .local/kafka-lib (once)"
  rm -rf "$KAFKA_LIB"
  mvn -q -B -f "$KAFKA_POM" dependency:copy-dependencies \
    -DoutputDirectory="$KAFKA_LIB" -DincludeScope=runtime >&2 \
    || die "Maven could not fetch org.apache.kafka:kafka_2.13 (see the output above)"
  touch "$KAFKA_LIB/.complete"
}

kafka_ready() {
  port_busy "$KAFKA_PORT" && grep -q 'Kafka Server started' "$KAFKA_DIR/server.log" 2>/dev/null
}

kafka_up() {
  if pid_alive "$KAFKA_DIR/kafka.pid" && kafka_ready; then
    say "Kafka already running on 127.0.0.1:$KAFKA_PORT"
    return
  fi
  need_java
  fetch_kafka
  choose_port KAFKA_PORT 9092
  choose_port KAFKA_CONTROLLER_PORT 9093
  save_state
  mkdir -p "$KAFKA_DIR/data"
  cat >"$KAFKA_DIR/server.properties" <<EOF
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
log.dirs=$KAFKA_DIR/data
auto.create.topics.enable=false
num.partitions=6
offsets.topic.replication.factor=1
offsets.topic.num.partitions=10
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
group.initial.rebalance.delay.ms=0
log.retention.hours=168
EOF
  cat >"$KAFKA_DIR/log4j.properties" <<EOF
log4j.rootLogger=INFO, file
log4j.appender.file=org.apache.log4j.FileAppender
log4j.appender.file.File=$KAFKA_DIR/server.log
log4j.appender.file.layout=org.apache.log4j.PatternLayout
log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka.request.logger=WARN
log4j.logger.state.change.logger=WARN
EOF
  local cp="$KAFKA_LIB/*"
  if [ ! -f "$KAFKA_DIR/data/meta.properties" ]; then
    local cluster_id
    # An id starting with '-' would be read as an option by the tool (Kafka's own generator avoids it too).
    cluster_id=-
    while [[ "$cluster_id" == -* ]]; do
      cluster_id=$(head -c16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=')
    done
    java -cp "$cp" -Dlog4j.configuration="file:$KAFKA_DIR/log4j.properties" \
      kafka.tools.StorageTool format -t "$cluster_id" -c "$KAFKA_DIR/server.properties" >"$KAFKA_DIR/format.log" 2>&1 \
      || { cat "$KAFKA_DIR/format.log" >&2; die "formatting Kafka storage failed"; }
  fi
  : >"$KAFKA_DIR/server.log"
  say "starting Kafka on 127.0.0.1:$KAFKA_PORT"
  # shellcheck disable=SC2086
  nohup java ${KAFKA_HEAP_OPTS:--Xms256m -Xmx768m} -XX:+UseG1GC -Djava.awt.headless=true \
    -Dlog4j.configuration="file:$KAFKA_DIR/log4j.properties" \
    -cp "$cp" kafka.Kafka "$KAFKA_DIR/server.properties" >"$KAFKA_DIR/stdout.log" 2>&1 &
  echo $! >"$KAFKA_DIR/kafka.pid"
  local deadline=$((SECONDS + 120))
  until kafka_ready; do
    if ! pid_alive "$KAFKA_DIR/kafka.pid"; then
      tail -n 30 "$KAFKA_DIR/stdout.log" "$KAFKA_DIR/server.log" >&2 || true
      die "Kafka exited during start-up (logs above; folder $KAFKA_DIR)"
    fi
    [ $SECONDS -lt $deadline ] || die "Kafka did not become ready within 120 s (see $KAFKA_DIR/server.log)"
    sleep 0.3
  done
  say "Kafka ready on 127.0.0.1:$KAFKA_PORT"
}

stop_pid() {
  local pidfile=$1 name=$2
  if pid_alive "$pidfile"; then
    local pid
    pid=$(cat "$pidfile")
    kill "$pid" 2>/dev/null || true
    local deadline=$((SECONDS + 30))
    while kill -0 "$pid" 2>/dev/null; do
      if [ $SECONDS -ge $deadline ]; then kill -9 "$pid" 2>/dev/null || true; fi
      sleep 0.2
    done
    say "$name stopped"
  fi
  rm -f "$pidfile"
}

kafka_down() { stop_pid "$KAFKA_DIR/kafka.pid" Kafka; }

# ---------------------------------------------------------------- PostgreSQL
PG_BIN=""
find_pg() { PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true); }

need_pg() {
  find_pg
  if [ -z "$PG_BIN" ]; then
    say "PostgreSQL is missing; installing Debian's postgresql package"
    apt_install postgresql postgresql-contrib || die "PostgreSQL is required (apt-get install postgresql)"
    find_pg
    [ -n "$PG_BIN" ] || die "PostgreSQL was installed but no /usr/lib/postgresql/*/bin was found"
  fi
}

# postgres refuses to run as root: run its tools as the postgres user then.
as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

pg_ready() { [ -n "${PG_PORT:-}" ] && as_pg "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT"; }

pg_up() {
  need_pg
  if [ -f "$PG_DIR/data/postmaster.pid" ] && pg_ready; then
    say "PostgreSQL already running on 127.0.0.1:$PG_PORT"
    return
  fi
  choose_port PG_PORT 5432
  [ -n "${PG_PASSWORD:-}" ] || PG_PASSWORD=$(head -c18 /dev/urandom | base64 | tr -d '+/=')
  save_state
  mkdir -p "$PG_DIR/run"
  if [ "$(id -u)" = 0 ]; then
    chown -R postgres: "$PG_DIR"
    # postgres must be able to reach its folder through the parents.
    local d="$PG_DIR"
    while [ "$d" != / ]; do chmod o+x "$d" 2>/dev/null || true; d=$(dirname "$d"); done
  fi
  if [ ! -f "$PG_DIR/data/PG_VERSION" ]; then
    local pwfile="$PG_DIR/run/pw"
    printf '%s\n' "$PG_PASSWORD" >"$pwfile"
    [ "$(id -u)" = 0 ] && chown postgres: "$pwfile"
    as_pg "$PG_BIN/initdb" -D "$PG_DIR/data" -U smsgate --pwfile="$pwfile" -E UTF8 --locale=C.UTF-8 \
      --auth-local=trust --auth-host=scram-sha-256 >"$PG_DIR/initdb.log" 2>&1 \
      || { rm -f "$pwfile"; cat "$PG_DIR/initdb.log" >&2; die "initdb failed"; }
    rm -f "$pwfile"
  fi
  say "starting PostgreSQL on 127.0.0.1:$PG_PORT"
  as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/postgres.log" -w -t 60 \
    -o "-p $PG_PORT -k $PG_DIR/run -c listen_addresses=127.0.0.1 -c max_connections=200 ${PG_EXTRA_OPTS:-}" start >/dev/null \
    || { tail -n 20 "$PG_DIR/postgres.log" >&2; die "PostgreSQL did not start (log above)"; }
  if ! as_pg "$PG_BIN/psql" -h "$PG_DIR/run" -p "$PG_PORT" -U smsgate -d postgres -tAc \
      "SELECT 1 FROM pg_database WHERE datname='smsgate'" | grep -q 1; then
    as_pg "$PG_BIN/psql" -q -h "$PG_DIR/run" -p "$PG_PORT" -U smsgate -d postgres -c 'CREATE DATABASE smsgate' >&2
  fi
  say "PostgreSQL ready on 127.0.0.1:$PG_PORT (database smsgate)"
}

pg_down() {
  find_pg
  if [ -n "$PG_BIN" ] && [ -f "$PG_DIR/data/postmaster.pid" ]; then
    as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w stop >/dev/null 2>&1 || true
    say "PostgreSQL stopped"
  fi
}

print_env() {
  [ -n "${KAFKA_PORT:-}" ] && echo "KAFKA_BROKERS=127.0.0.1:$KAFKA_PORT"
  [ -n "${PG_PORT:-}" ] && echo "DATABASE_URL=postgres://smsgate:${PG_PASSWORD}@127.0.0.1:$PG_PORT/smsgate"
  return 0
}

cmd=${1:-status}
what=${2:-all}
case "$cmd" in
  up)
    case "$what" in kafka) kafka_up ;; postgres) pg_up ;; all) pg_up; kafka_up ;; *) die "unknown part: $what" ;; esac
    ;;
  down)
    case "$what" in kafka) kafka_down ;; postgres) pg_down ;; all) kafka_down; pg_down ;; *) die "unknown part: $what" ;; esac
    ;;
  status)
    find_pg
    if pid_alive "$KAFKA_DIR/kafka.pid" && kafka_ready; then echo "kafka: running on 127.0.0.1:$KAFKA_PORT"; else echo "kafka: stopped"; fi
    if [ -n "$PG_BIN" ] && pg_ready; then echo "postgres: running on 127.0.0.1:$PG_PORT"; else echo "postgres: stopped"; fi
    ;;
  env) print_env ;;
  destroy)
    kafka_down; pg_down
    rm -rf "$INFRA_DIR"
    say "removed $INFRA_DIR"
    ;;
  *) die "usage: infra.sh up|down|status|env|destroy [kafka|postgres]" ;;
esac
