"""Polars for Python doing itcost's core work on the same generated ledger (the peer of benches/run.sh).

Same work as duckdb_peer.py, with the suspects. Polars reads only UTF-8, so a Windows-1252 file is read with
encoding="utf8-lossy" (accented letters become U+FFFD; the keywords used here are ASCII, numbers unaffected).

    python polars_peer.py LEDGER.csv 1510,1511 [utf-8|latin-1]
    python polars_peer.py LEDGER.parquet 1510,1511       # its copy by `itcost convert` (a file or a dataset)
"""
import json
import os
import sys

import polars as pl

from suspect_keywords import suspect_regex

path, central = sys.argv[1], sys.argv[2].split(",")
if path.endswith(".parquet") or os.path.isdir(path):
    # itcost's canonical Parquet: the same columns under the export's names, the amount in öre.
    glob = path if path.endswith(".parquet") else f"{path}/**/*.parquet"
    df = pl.scan_parquet(glob).select(
        pl.col("account").alias("Konto"), pl.col("account_text").alias("Kontotext"),
        pl.col("cost_centre").alias("Ansvar"), pl.col("counterpart").alias("Motpart"),
        pl.col("supplier").alias("Leverantör"), pl.col("text").alias("Text"), pl.col("amount_ore"),
    )
    amount = pl.col("amount_ore").cast(pl.Decimal(18, 0)) * pl.lit(0.01).cast(pl.Decimal(3, 2))
else:
    df = pl.scan_csv(path, separator=";", encoding="utf8-lossy", infer_schema=False)
    amount = (
        pl.col("Belopp").str.replace_all(" ", "").str.replace_all("\u00a0", "").str.replace(",", ".")
        .cast(pl.Decimal(18, 2))
    )
suspect_re = suspect_regex()
# "Leverantör" reads as "Leverant\ufffdr" from a Windows-1252 file.
SUPPLIER = next(c for c in df.collect_schema().names() if c.startswith("Leverant"))
text = pl.col("Kontotext").str.to_lowercase()
acc = pl.col("Konto")
scope = (
    pl.when(acc.str.starts_with("1") | acc.str.starts_with("2") | acc.str.starts_with("8") | acc.str.starts_with("40"))
    .then(pl.lit("excluded"))
    .when(text.str.contains(r"\bintern(a|t)?\b") | pl.col("Motpart").fill_null("").str.starts_with("10"))
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
low = lambda c: pl.col(c).fill_null("").str.to_lowercase()
# A line an IT rule took (IT services on 74) is IT out of scope, not a suspect.
it_services = acc.str.starts_with("74") & text.str.contains(
    r"\bit\b|datatjänst|datadrift|it-konsult|systemkonsult|molntjänst|saas|licens|programvar|mjukvar"
)
suspect = (scope == "not_it") & ~it_services & (
    low(SUPPLIER).str.contains(suspect_re) | low("Text").str.contains(suspect_re) | text.str.contains(suspect_re)
)
# One pass: sums per scope x pool, and for suspect lines only, per supplier and text (for the top lists).
res = (
    df.select(
        amount.alias("amount"), scope.alias("scope"), pool.alias("pool"), suspect.alias("suspect"),
        pl.when(suspect).then(pl.col(SUPPLIER)).alias("supplier"),
        pl.when(suspect).then(pl.col("Text")).alias("text"),
    )
    .group_by("scope", "pool", "suspect", "supplier", "text")
    .agg(pl.col("amount").sum(), pl.len().alias("lines"))
    .collect(engine="streaming")
)
out, sus_ore, sus_lines, texts, suppliers = {}, 0, 0, {}, {}
for row in res.iter_rows(named=True):
    ore = int(row["amount"] * 100)
    out[row["scope"]] = out.get(row["scope"], 0) + ore
    if row["suspect"]:
        sus_ore += ore
        sus_lines += row["lines"]
        texts[row["text"] or ""] = texts.get(row["text"] or "", 0) + ore
        suppliers[row["supplier"] or ""] = suppliers.get(row["supplier"] or "", 0) + ore
top = lambda d: sorted(([k, v] for k, v in d.items() if k), key=lambda kv: (-kv[1], kv[0]))[:5]
print(json.dumps({
    "peer": "polars-python",
    "by_scope_ore": out,
    "groups": res.height,
    "suspect_ore": sus_ore,
    "suspect_lines": sus_lines,
    "top_texts": top(texts),
    "top_suppliers": top(suppliers),
}, ensure_ascii=False))
