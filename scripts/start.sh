#!/usr/bin/env bash
# npm start: installs what is missing, brings up Kafka and PostgreSQL (unless KAFKA_BROKERS /
# DATABASE_URL point elsewhere), migrates, starts the seven services and waits for them, then prints the
# console's URL. Ctrl-C stops everything this run started.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

ensure_node_modules
ensure_local_secrets

STARTED_INFRA=()
if [ -z "${KAFKA_BROKERS:-}" ]; then
  bash "$ROOT/scripts/infra.sh" status | grep -q '^kafka: running' || STARTED_INFRA+=(kafka)
  bash "$ROOT/scripts/infra.sh" up kafka
  export KAFKA_BROKERS; KAFKA_BROKERS=$(bash "$ROOT/scripts/infra.sh" env | sed -n 's/^KAFKA_BROKERS=//p')
fi
if [ -z "${DATABASE_URL:-}" ]; then
  bash "$ROOT/scripts/infra.sh" status | grep -q '^postgres: running' || STARTED_INFRA+=(postgres)
  bash "$ROOT/scripts/infra.sh" up postgres
  export DATABASE_URL; DATABASE_URL=$(bash "$ROOT/scripts/infra.sh" env | sed -n 's/^DATABASE_URL=//p')
fi

log "building"
build
log "migrating the database"
node "$ROOT/dist/libs/db/src/migrate.js"

# Dispatcher tells IMIconnect to report deliveries to ingress's DR notify URLs.
export INGRESS_PUBLIC_URL="${INGRESS_PUBLIC_URL:-${PUBLIC_URL:-http://127.0.0.1:8080}}"
SERVICES=(ingress:8080 dispatcher:8081 smpp-binds:8082 dlr-tracker:8083 cht-relay:8084 smpp-server:8085 console:8086)
# smsgate's SMPP server takes ESME binds here (SMPP_PORT; TLS too when SMPP_TLS_CERT_FILE/KEY_FILE are set).
export SMPP_PORT=${SMPP_PORT:-2775}
LOGS="$LOCAL/logs"
mkdir -p "$LOGS"
PIDS=()

stop_all() {
  trap - INT TERM EXIT
  log "stopping services"
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  for part in "${STARTED_INFRA[@]}"; do bash "$ROOT/scripts/infra.sh" down "$part"; done
  log "stopped"
}
trap stop_all INT TERM EXIT

# ingress passes GET /v1/messages (the list) on to dlr-tracker, so both live on one base URL.
export MESSAGES_API_URL=${MESSAGES_API_URL:-http://127.0.0.1:8083}
# The console passes the routes it uses on to the ingress and dlr-tracker started here.
export INGRESS_URL=${INGRESS_URL:-http://127.0.0.1:8080}
export DLR_TRACKER_URL=${DLR_TRACKER_URL:-http://127.0.0.1:8083}
for entry in "${SERVICES[@]}"; do
  name=${entry%%:*}
  port=${entry##*:}
  # As in the image (Dockerfile): a 64 MiB young generation.
  PORT=$port node --enable-source-maps --max-semi-space-size=32 "$ROOT/dist/apps/$name/src/main.js" \
    >>"$LOGS/$name.log" 2>&1 &
  PIDS+=($!)
done

for entry in "${SERVICES[@]}"; do
  name=${entry%%:*}
  port=${entry##*:}
  deadline=$((SECONDS + 90))
  until curl -fsS "http://127.0.0.1:$port/health/ready" >/dev/null 2>&1; do
    if [ $SECONDS -ge $deadline ]; then
      log "$name did not become ready; last lines of .local/logs/$name.log:"
      tail -n 20 "$LOGS/$name.log" >&2
      exit 1
    fi
    sleep 0.5
  done
done

# The admin token stays in .local/secrets.env: nothing here prints it (the examples read it from there).
cat <<MSG

smsgate is running.
  ingress      http://127.0.0.1:8080   (admin API, send API, inbound /c/…)
  dispatcher   http://127.0.0.1:8081
  smpp-binds   http://127.0.0.1:8082
  dlr-tracker  http://127.0.0.1:8083   (message status API)
  cht-relay    http://127.0.0.1:8084
  smpp-server  http://127.0.0.1:8085   (ESMEs bind over SMPP to 127.0.0.1:$SMPP_PORT; accounts: POST /v1/smpp-accounts)
  console      http://127.0.0.1:8086   (the operator console; the smsgate CLI's base URL)
  health: /health/live, /health/ready   metrics: /metrics   logs: .local/logs/<service>.log
  Kafka: $KAFKA_BROKERS

For the examples, load the admin token (ADMIN_TOKEN) into this shell: set -a; . .local/secrets.env; set +a
Create a workspace (its API key is shown once):
  curl -s -X POST http://127.0.0.1:8080/v1/workspaces -H "Authorization: Bearer \$ADMIN_TOKEN" \\
    -H 'Content-Type: application/json' -d '{"name":"demo"}'
Create a RapidPro External API channel with that key:
  curl -s -X POST http://127.0.0.1:8080/v1/channels -H 'Authorization: Bearer <api key>' \\
    -H 'Content-Type: application/json' -d '{"type":"ex","name":"demo","country":"KE","address":"+254700000000","config":{"send_url":"https://aggregator.example/send"}}'
Receive a message on it, then read it back:
  curl -s -X POST http://127.0.0.1:8080/c/ex/<channel uuid>/receive -d 'from=0712345678&text=hello'
  curl -s http://127.0.0.1:8083/v1/messages/<msg_uuid> -H 'Authorization: Bearer <api key>'
The command line, with that key: SMSGATE_URL=http://127.0.0.1:8086 SMSGATE_KEY=<api key> npx smsgate help

$(printf '\033[1m')  Console: http://127.0.0.1:8086 — sign in with the admin token in .local/secrets.env$(printf '\033[0m')
           (ADMIN_TOKEN), or with a workspace's API key.

Press Ctrl-C to stop.
MSG

wait -n "${PIDS[@]}" || true
log "a service exited; see .local/logs"
