"""Polars for Python doing itcost's core work on the same generated ledger (the peer of benches/run.sh).

Same work as duckdb_peer.py. Polars reads only UTF-8, so the Windows-1252 file is read with
encoding="utf8-lossy" (accented letters become U+FFFD; the keywords used here are ASCII, numbers unaffected).
"""
import json
import sys

import polars as pl

path, central = sys.argv[1], sys.argv[2].split(",")
df = pl.scan_csv(path, separator=";", encoding="utf8-lossy", infer_schema=False)
amount = (
    pl.col("Belopp").str.replace_all(" ", "").str.replace_all("\u00a0", "").str.replace(",", ".")
    .cast(pl.Decimal(18, 2))
)
text = pl.col("Kontotext").str.to_lowercase()
acc = pl.col("Konto")
scope = (
    pl.when(acc.str.starts_with("1") | acc.str.starts_with("2") | acc.str.starts_with("8") | acc.str.starts_with("40"))
    .then(pl.lit("excluded"))
    .when(text.str.contains(r"\bintern(a|t)?\b"))
    .then(pl.lit("internal"))
    .when(acc.str.starts_with("3"))
    .then(pl.lit("revenue"))
    .when(pl.col("Ansvar").is_in(central))
    .then(pl.lit("central_it"))
    .when(
        (acc.str.starts_with("68") & ~text.str.contains("post|porto"))
        | (acc.str.starts_with("64") & text.str.contains("dator|licens|programvar"))
        | (acc.str.starts_with("63") & text.str.contains("it-|dator"))
    )
    .then(pl.lit("outside_it"))
    .otherwise(pl.lit("not_it"))
)
pool = (
    pl.when(acc.str.starts_with("5")).then(pl.lit("Internal Labor"))
    .when(acc.str.starts_with("68")).then(pl.lit("Telecom"))
    .when(acc.str.starts_with("64") & text.str.contains("licens|programvar")).then(pl.lit("Software"))
    .when(acc.str.starts_with("64") & text.str.contains("dator")).then(pl.lit("Hardware"))
    .when(acc.str.starts_with("74")).then(pl.lit("Outside Services"))
    .otherwise(pl.lit("Other"))
)
res = (
    df.select(amount.alias("amount"), scope.alias("scope"), pool.alias("pool"))
    .group_by("scope", "pool")
    .agg(pl.col("amount").sum(), pl.len().alias("lines"))
    .collect(engine="streaming")
)
out = {}
for row in res.iter_rows(named=True):
    out[row["scope"]] = out.get(row["scope"], 0) + int(row["amount"] * 100)
print(json.dumps({"peer": "polars-python", "by_scope_ore": out, "groups": res.height}))
