#!/usr/bin/env bash
# Peak memory and wall time of every command that reads a whole ledger (issue 11, item 5), and the figures against
# the generator's truth from CSV and from the Parquet copy `convert` writes (item 7), on one unique-text ledger:
#
#   ITCOST=target/release/itcost LINES=10000000 bash benches/stream.sh
#   LINES=50000000 DATA=bench-data QUICK=1 bash benches/stream.sh   # ~6 GB of CSV + 1 GB Parquet; delete them after
#
# QUICK=1 leaves out `run --out` and `explain --line` on the Parquet copy.
# One run each (GNU time: wall seconds and peak RSS); a table in Markdown on stdout, details in $DATA/stream-*.
set -euo pipefail
ITCOST=${ITCOST:-target/release/itcost}
LINES=${LINES:-10000000}
DATA=${DATA:-bench-data}
mkdir -p "$DATA"
csv="$DATA/unique-$LINES.csv"
pq="$DATA/unique-$LINES.parquet"
truth="$DATA/unique-$LINES.truth.json"
if [ ! -s "$csv" ] || [ ! -s "$truth" ]; then
  "$ITCOST" generate --lines "$LINES" --seed 7 --unique-text --utf8 --out "$csv" > "$truth"
fi
echo "| $LINES lines, unique texts | command | wall s | peak MB |"
echo "|---|---|---|---|"
measure() { # name, then the command's arguments
  local name=$1; shift
  /usr/bin/time -f "%e %M" -o "$DATA/stream-time" "$ITCOST" "$@" > "$DATA/stream-$name.out" 2> "$DATA/stream-$name.err"
  read -r wall kb < "$DATA/stream-time"
  echo "| | \`${name}\` | $wall | $((kb / 1024)) |"
}
rm -rf "$pq" "$DATA/stream-out"
measure run run "$csv" --central-it 1510,1511 --json
measure run-out run "$csv" --central-it 1510,1511 --json --out "$DATA/stream-out"
measure inspect inspect "$csv"
measure convert convert "$csv" --out "$pq"
measure explain-line explain "$csv" --line $((LINES - 5))
measure run-parquet run "$pq" --central-it 1510,1511 --json
[ -n "${QUICK:-}" ] || measure run-out-parquet run "$pq" --central-it 1510,1511 --json --out "$DATA/stream-out"
[ -n "${QUICK:-}" ] || measure explain-line-parquet explain "$pq" --line $((LINES - 5))
# The figures against the truth, from CSV and from Parquet.
python3 - "$truth" "$DATA/stream-run.out" "$DATA/stream-run-parquet.out" "$DATA/stream-run-out.out" <<'PY'
import json, sys
t = json.load(open(sys.argv[1]))
for f in sys.argv[2:]:
    m = json.load(open(f))["municipalities"][0]
    ore = lambda x: round(x * 100)
    got = {
        "lines": m["lines"], "input_sum_ore": ore(m["conservation"]["input_sum"]),
        "central_it_ore": ore(m["central_it_cost"]), "outside_it_ore": ore(m["outside_it_cost"]),
        "total_cost_ore": ore(m["total_cost"]), "revenue_ore": ore(m["revenue"]),
        "internal_costs_ore": ore(m["internal"]["costs"]), "internal_revenues_ore": ore(m["internal"]["revenues"]),
        "excluded_ore": ore(m["excluded"]),
    }
    bad = {k: (v, t[k]) for k, v in got.items() if v != t[k]}
    print(f"{f}: " + ("equal to the truth to the öre" if not bad else f"DIFFERS {bad}"))
PY
