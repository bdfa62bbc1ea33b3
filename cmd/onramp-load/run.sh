#!/usr/bin/env bash
# The load suite: build a practice of PATIENTS made-up patients (default 1,000,000) with
# `onramp demo`, serve it, drive it with onramp-load at 8 and 32 connections, and write the
# Markdown table to OUT (default cmd/onramp-load/results.md) for the README's performance section.
# Not part of CI: it takes a few minutes and wants the machine to itself.
#
#   cmd/onramp-load/run.sh                        # 1,000,000 patients, 15 s per run
#   PATIENTS=100000 DURATION=5s cmd/onramp-load/run.sh
#   KEEP=1 DATA=/tmp/onramp-load cmd/onramp-load/run.sh   # reuse a practice built before
#   KEEP=1 DATA=/tmp/onramp-load ONLY=search CONNS=1 cmd/onramp-load/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."

PATIENTS=${PATIENTS:-1000000}
VISITS=${VISITS:-5000000} # used once a feature registers a visits step in clinic/demo
DURATION=${DURATION:-15s}
CONNS=${CONNS:-8,32}
DATA=${DATA:-$(mktemp -d /tmp/onramp-load.XXXXXX)}
OUT=${OUT:-cmd/onramp-load/results.md}
LISTEN=${LISTEN:-127.0.0.1:18080}
export ONRAMP_PASSWORD=${ONRAMP_PASSWORD:-load-suite-password}
export CI=true # never open a browser

bin=$(mktemp -d)
trap 'rm -rf "$bin"' EXIT
go build -o "$bin/onramp" ./cmd/onramp
go build -o "$bin/onramp-load" ./cmd/onramp-load

if [ -z "${KEEP:-}" ] || [ ! -f "$DATA/onramp.db" ]; then
  echo "== building a demo practice of $PATIENTS patients in $DATA"
  /usr/bin/time -f "demo: %e s, peak %M KB" "$bin/onramp" demo --data "$DATA" --patients "$PATIENTS" --visits "$VISITS" --seed 1
fi

echo "== serving $DATA on $LISTEN"
"$bin/onramp" serve --data "$DATA" --listen "$LISTEN" >"$DATA/serve.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$bin"' EXIT
for _ in $(seq 1 120); do
  curl -fsS "http://$LISTEN/healthz" >/dev/null 2>&1 && break
  kill -0 $pid 2>/dev/null || { cat "$DATA/serve.log"; exit 1; }
  sleep 0.5
done

echo "== driving it"
"$bin/onramp-load" --url "http://$LISTEN" --db "$DATA/onramp.db" --pid $pid \
  --duration "$DURATION" --conns "$CONNS" ${ONLY:+--only "$ONLY"} --out "$OUT"
echo "== table written to $OUT (data kept in $DATA)"
