#!/usr/bin/env bash
# itcost against DuckDB and Polars for Python on the same generated ledgers, in one run.
#
#   bash benches/run.sh            # 1M and 10M lines, repeating and unique texts (~4 GB of disk in bench-data/)
#   LINES="1000000" RUNS=3 bash benches/run.sh
#   TEXTS="unique" bash benches/run.sh          # only the ledgers whose every line text is distinct
#   PEERS=0 bash benches/run.sh                 # itcost and the floor only
#   ITCOST=path/itcost FLOOR=path/floor bash benches/run.sh   # prebuilt binaries, nothing built
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
TEXTS="${TEXTS:-repeating unique}"
PEERS="${PEERS:-1}"
PARQUET="${PARQUET:-1}"
DATA="${DATA:-bench-data}"
VENV="${VENV:-target/bench-venv}"
mkdir -p "$DATA"
# ITCOST and FLOOR name prebuilt binaries (a release itcost and examples/floor); else they are built here.
if [ -n "${ITCOST:-}" ]; then
  BIN="$ITCOST"; FLOOR="${FLOOR:?with ITCOST, set FLOOR to a built examples/floor}"
else
  cargo build --release -q --bin itcost --example floor
  BIN="$CARGO_TARGET_DIR/release/itcost"
  FLOOR="$CARGO_TARGET_DIR/release/examples/floor"
fi
if [ "$PEERS" = 1 ] && [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q duckdb==2.0.1 polars
fi
PY="$VENV/bin/python"
# The 1 026-rule comparison of the earlier issue: RULES1026=1 bash benches/run.sh.
# PARQUET=0 skips the Parquet copies.

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
  for texts in $TEXTS; do
    if [ "$texts" = unique ]; then
      # UTF-8, every line text names its own invoice ("Faktura 1004711 Dustin Månadsfaktura mars").
      csv="$DATA/ledger-$n-unique.csv"; pq="$DATA/ledger-$n-unique.parquet"; gen=(--unique-text --utf8); enc=utf-8
    else
      # Windows-1252, 13 repeating texts.
      csv="$DATA/ledger-$n.csv"; pq="$DATA/ledger-$n.parquet"; gen=(); enc=latin-1
    fi
    [ -f "$csv" ] || "$BIN" generate --lines "$n" --seed 7 "${gen[@]}" --out "$csv" > "${csv%.csv}.truth.json"
    echo "== $n lines, $texts texts, $(du -h "$csv" | cut -f1) CSV"
    measure "io-floor-cat" bash -c "cat '$csv' > /dev/null"
    measure "floor" "$FLOOR" "$csv"
    measure "itcost-csv" "$BIN" run "$csv" --central-it 1510,1511 --json
    if [ "${RULES1026:-0}" = 1 ]; then
      python3 benches/many_rules.py rules/kommun-bas-13.toml > "$DATA/rules-1026.toml"
      measure "itcost-csv-1026-rules" "$BIN" run "$csv" --central-it 1510,1511 --json --rules "$DATA/rules-1026.toml"
    fi
    if [ "$PARQUET" = 1 ]; then
      [ -f "$pq" ] || "$BIN" convert "$csv" --out "$pq" > /dev/null
      measure "itcost-parquet" "$BIN" run "$pq" --central-it 1510,1511 --json
    fi
    if [ "$PEERS" = 1 ]; then
      measure "duckdb" "$PY" benches/peers/duckdb_peer.py "$csv" 1510,1511 "$enc"
      measure "polars-python" "$PY" benches/peers/polars_peer.py "$csv" 1510,1511 "$enc"
      if [ "$PARQUET" = 1 ]; then
        # The peers on the same Parquet file itcost-parquet read (issue 11, item 6).
        measure "duckdb-parquet" "$PY" benches/peers/duckdb_peer.py "$pq" 1510,1511
        measure "polars-python-parquet" "$PY" benches/peers/polars_peer.py "$pq" 1510,1511
      fi
    fi
  done
done
if [ -n "$BIG" ]; then
  csv="$DATA/ledger-$BIG-unique.csv"
  [ -f "$csv" ] || "$BIN" generate --lines "$BIG" --seed 7 --unique-text --utf8 --out "$csv" > "${csv%.csv}.truth.json"
  echo "== $BIG lines, unique texts, $(du -h "$csv" | cut -f1) CSV (itcost only, one run)"
  RUNS=1 measure "itcost-csv" "$BIN" run "$csv" --central-it 1510,1511 --json
fi
