#!/usr/bin/env bash
# Issue 15: one Parquet dataset through the three engines (local, DataFusion in process, a Ballista cluster of a
# scheduler and two executors on this machine) and DuckDB on the same files, one run each, GNU time.
#
#   bash benches/cluster.sh                       # 10M lines over 20 municipalities (one year), unique texts
#   LINES=1000000 PARTS=10 bash benches/cluster.sh
#
# Needs `cargo build --release --features cluster`. Prints a Markdown table: wall seconds, peak RSS (MB) of the
# client (and of each Ballista process), and the key table's size (distinct keys the client classified).
set -euo pipefail
cd "$(dirname "$0")/.."
LINES="${LINES:-10000000}"
PARTS="${PARTS:-20}"
TARGET="${CARGO_TARGET_DIR:-target}"
BIN="$TARGET/release/itcost"
BB="$TARGET/release/itcost-ballista"
DATA="${DATA:-bench-data/cluster-$LINES}"
VENV="${VENV:-/tmp/engine-venv}"
[ -x "$BIN" ] && [ -x "$BB" ] || { echo "build first: cargo build --release --features cluster" >&2; exit 1; }
if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV" && "$VENV/bin/pip" install -q duckdb==2.0.1 polars
fi
mkdir -p "$DATA"
DATA="$(cd "$DATA" && pwd)"

# The dataset: PARTS generated ledgers (UTF-8, every text its own invoice), converted to municipality=…/year=2024.
if [ ! -f "$DATA/parquet.toml" ]; then
  : > "$DATA/csv.toml"
  for i in $(seq -w 1 "$PARTS"); do
    n=$(( LINES / PARTS ))
    "$BIN" generate --lines "$n" --seed "$((100 + 10#$i))" --unique-text --utf8 --out "$DATA/m$i.csv" > /dev/null
    printf '[[municipality]]\nname = "Kommun %s"\nyear = 2024\nledgers = ["m%s.csv"]\ncentral_it = ["1510", "1511"]\n' "$i" "$i" >> "$DATA/csv.toml"
  done
  "$BIN" convert --config "$DATA/csv.toml" --out "$DATA/dataset" > /dev/null
  # The run config names the dataset (`dataset = "DIR"`): each entry's partition municipality=NAME/year=2024.
  printf 'dataset = "dataset"\n' > "$DATA/parquet.toml"
  for i in $(seq -w 1 "$PARTS"); do
    printf '[[municipality]]\nname = "Kommun %s"\nyear = 2024\ncentral_it = ["1510", "1511"]\n' "$i" >> "$DATA/parquet.toml"
  done
  rm -f "$DATA"/m*.csv
fi

row() {  # name, then the command
  local name="$1"; shift
  /usr/bin/time -f "%e %M" -o "$DATA/time" "$@" > "$DATA/out.json"
  read -r wall kb < "$DATA/time"
  keys=$(grep -o '"distinct_keys": [0-9]*' "$DATA/out.json" | grep -o '[0-9]*$' || echo "-")
  echo "| $name | $wall | $(( kb / 1024 )) | $keys |"
}

echo "| $LINES lines, $PARTS partitions | wall s | peak MB | key table (keys) |"
echo "|---|---|---|---|"
row local "$BIN" run --quiet --config "$DATA/parquet.toml" --engine local --json
row datafusion "$BIN" run --quiet --config "$DATA/parquet.toml" --engine datafusion --json

# The cluster: a scheduler and two executors (the machine's cores split between them).
port=50150
"$BB" scheduler --port $port 2> "$DATA/scheduler.log" & sched=$!
sleep 2
cores=$(nproc)
per=$(( cores / 2 > 0 ? cores / 2 : 1 ))
/usr/bin/time -f "%M" -o "$DATA/ex1.rss" "$BB" executor --scheduler-port $port --port 50151 --grpc-port 50152 \
  --work-dir "$DATA/ex1" --concurrency $per 2> "$DATA/ex1.log" & ex1=$!
/usr/bin/time -f "%M" -o "$DATA/ex2.rss" "$BB" executor --scheduler-port $port --port 50153 --grpc-port 50154 \
  --work-dir "$DATA/ex2" --concurrency $per 2> "$DATA/ex2.log" & ex2=$!
sleep 5
row "ballista (2 executors)" "$BIN" run --quiet --config "$DATA/parquet.toml" --engine "ballista://localhost:$port" --json
pkill -INT -P "$ex1,$ex2" 2>/dev/null || true; sleep 2;  # the executors under GNU time, so that time reports them
kill $ex1 $ex2 $sched 2>/dev/null || true; wait 2>/dev/null || true
# GNU time writes "Command terminated by signal …" before the figure of a killed process: take the number.
rss() { local kb; kb=$(grep -Eo '^[0-9]+$' "$1" 2>/dev/null | tail -1); echo $(( ${kb:-0} / 1024 )); }
echo "| (executors' peak MB) | | $(rss "$DATA/ex1.rss") + $(rss "$DATA/ex2.rss") | |"
row "duckdb 2.0.1" "$VENV/bin/python" benches/peers/duckdb_peer.py "$DATA/dataset" 1510,1511
