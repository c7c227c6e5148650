#!/usr/bin/env bash
# itcost against DuckDB and Polars for Python on the same generated ledgers, in one run.
#
#   bash benches/run.sh            # 1M and 10M lines (needs ~2 GB of disk in bench-data/)
#   LINES="1000000" RUNS=3 bash benches/run.sh
#
# Installs the peers into a virtualenv under target/ (never committed). Reports wall time, CPU time and peak
# memory (GNU time) per tool as the median of RUNS runs, the ratio itcost / peer, and the I/O floor
# (cat FILE > /dev/null, wc -l). Timing is never asserted in a test; correctness at size is (tests/it/size.rs).
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/itcost-target}"
LINES="${LINES:-1000000 10000000}"
# BIG: one extra size run once by itcost alone (memory flat from 10M to 50M lines), e.g. BIG=50000000.
BIG="${BIG:-}"
RUNS="${RUNS:-3}"
DATA="${DATA:-bench-data}"
VENV="${VENV:-target/bench-venv}"
mkdir -p "$DATA"
cargo build --release -q
BIN="$CARGO_TARGET_DIR/release/itcost"
if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q duckdb polars
fi
PY="$VENV/bin/python"

measure() { # label, command...: prints "label wall_s cpu_s peak_mb" (median of RUNS)
  local label=$1; shift
  local rows=()
  for _ in $(seq "$RUNS"); do
    /usr/bin/time -f "%e %U %S %M" -o /tmp/itcost-bench-time "$@" > /dev/null
    read -r wall user sys kb < /tmp/itcost-bench-time
    rows+=("$(python3 -c "print(f'{$wall:.2f} {$user+$sys:.2f} {$kb/1024:.0f}')")")
  done
  printf '%s\n' "${rows[@]}" | sort -n | sed -n "$(( (RUNS + 1) / 2 ))p" | sed "s/^/$label /"
}

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -m); $(date -u +%F)"
for n in $LINES; do
  csv="$DATA/ledger-$n.csv"
  pq="$DATA/ledger-$n.parquet"
  [ -f "$csv" ] || "$BIN" generate --lines "$n" --seed 7 --out "$csv" > "$DATA/truth-$n.json"
  [ -f "$pq" ] || "$BIN" convert "$csv" --out "$pq" > /dev/null
  echo "== $n lines, $(du -h "$csv" | cut -f1) CSV, $(du -h "$pq" | cut -f1) Parquet"
  measure "io-floor-cat" bash -c "cat '$csv' > /dev/null"
  measure "io-floor-wc" wc -l "$csv"
  measure "itcost-csv" "$BIN" run "$csv" --central-it 1510,1511 --json
  python3 benches/many_rules.py rules/kommun-bas-13.toml > "$DATA/rules-1026.toml"
  measure "itcost-csv-1026-rules" "$BIN" run "$csv" --central-it 1510,1511 --json --rules "$DATA/rules-1026.toml"
  measure "itcost-parquet" "$BIN" run "$pq" --central-it 1510,1511 --json
  measure "duckdb" "$PY" benches/peers/duckdb_peer.py "$csv" 1510,1511
  measure "polars-python" "$PY" benches/peers/polars_peer.py "$csv" 1510,1511
done
if [ -n "$BIG" ]; then
  csv="$DATA/ledger-$BIG.csv"
  [ -f "$csv" ] || "$BIN" generate --lines "$BIG" --seed 7 --out "$csv" > "$DATA/truth-$BIG.json"
  echo "== $BIG lines, $(du -h "$csv" | cut -f1) CSV (itcost only, one run)"
  RUNS=1 measure "itcost-csv" "$BIN" run "$csv" --central-it 1510,1511 --json
fi
