"""DuckDB doing itcost's core work on the same generated ledger (the peer of benches/run.sh).

Same classification as itcost's default rules on the generated chart: account → pool by group prefix and
account-text keywords, internal lines eliminated by account text and counterpart, central IT by cost centre,
balance sheet and class 8 excluded, then cost per pool × scope; and the unclassified IT suspects: not-IT cost
lines whose supplier or line text holds a [suspect] keyword (rules/kommun-bas-13.toml), with their sum and the
top five texts and suppliers by amount. Prints one JSON line with its totals (öre).

    python duckdb_peer.py LEDGER.csv 1510,1511 [utf-8|latin-1]
    python duckdb_peer.py LEDGER.parquet 1510,1511      # its copy by `itcost convert` (a file or a dataset)
    DUCKDB_THREADS=16 python duckdb_peer.py …            # threads (default 2)
"""
import json
import os
import sys

import duckdb

from suspect_keywords import suspect_regex



def parquet_source(path):
    """The same columns read from itcost's canonical Parquet (`itcost convert`): a file or a Hive dataset."""
    glob = path if path.endswith(".parquet") else f"{path}/**/*.parquet"
    return f"""
  SELECT account, account_text, cost_centre, counterpart, supplier, text,
         CAST(amount_ore AS DECIMAL(18,0)) * CAST(0.01 AS DECIMAL(3,2)) AS amount
  FROM read_parquet('{glob}')"""


path, central = sys.argv[1], sys.argv[2].split(",")
is_parquet = path.endswith(".parquet") or os.path.isdir(path)
encoding = sys.argv[3] if len(sys.argv) > 3 else "latin-1"
con = duckdb.connect()
# 2 threads on the project machine; benches/scaling.sh sets DUCKDB_THREADS to the cores it gives.
con.execute(f"SET threads TO {int(os.environ.get('DUCKDB_THREADS', '2'))}")
suspect = suspect_regex().replace("'", "''")
IT_SERVICES = r"\bit\b|datatjänst|datadrift|it-konsult|systemkonsult|molntjänst|saas|licens|programvar|mjukvar"
source = parquet_source(path) if is_parquet else f"""
  SELECT Konto AS account, Kontotext AS account_text, Ansvar AS cost_centre, Motpart AS counterpart,
         "Leverantör" AS supplier, Text AS text,
         CAST(replace(replace(replace(Belopp, ' ', ''), chr(160), ''), ',', '.') AS DECIMAL(18,2)) AS amount
  FROM read_csv('{path}', delim=';', header=true, encoding='{encoding}', all_varchar=true)"""
sql = f"""
WITH raw AS ({source}
),
decided AS (
  SELECT *,
    CASE
      WHEN account LIKE '1%' OR account LIKE '2%' OR account LIKE '8%' OR account LIKE '40%' THEN 'excluded'
      WHEN regexp_matches(lower(account_text), '\\bintern(a|t)?\\b') OR coalesce(counterpart, '') LIKE '10%'
        THEN 'internal'
      WHEN account LIKE '3%' THEN 'revenue'
      WHEN cost_centre IN ({",".join("'" + c + "'" for c in central)}) THEN 'central_it'
      WHEN (account LIKE '68%' AND NOT regexp_matches(lower(account_text), 'post|porto'))
        OR (account LIKE '64%' AND regexp_matches(lower(account_text), 'dator|licens|programvar'))
        OR (account LIKE '63%' AND regexp_matches(lower(account_text), 'it-|dator')) THEN 'outside_it'
      ELSE 'not_it'
    END AS scope,
    CASE
      WHEN account LIKE '5%' THEN 'Internal Labor'
      WHEN account LIKE '68%' THEN 'Telecom'
      WHEN account LIKE '64%' AND regexp_matches(lower(account_text), 'licens|programvar') THEN 'Software'
      WHEN account LIKE '64%' AND regexp_matches(lower(account_text), 'dator') THEN 'Hardware'
      WHEN account LIKE '74%' THEN 'Outside Services'
      ELSE 'Other'
    END AS pool
  FROM raw
),
flagged AS (
  SELECT scope, pool, supplier, text, amount,
    -- a line an IT rule took (IT services on 74) is IT out of scope, not a suspect
    scope = 'not_it'
    AND NOT (account LIKE '74%' AND regexp_matches(lower(account_text), '{IT_SERVICES}'))
    AND (
      regexp_matches(lower(coalesce(supplier, '')), '{suspect}')
      OR regexp_matches(lower(coalesce(text, '')), '{suspect}')
      OR regexp_matches(lower(coalesce(account_text, '')), '{suspect}')) AS suspect
  FROM decided
)
-- One pass: sums per scope x pool, and for suspect lines only, per supplier and text (for the top lists).
SELECT scope, pool, suspect, CASE WHEN suspect THEN supplier END AS supplier, CASE WHEN suspect THEN text END AS text,
       sum(amount) AS amount, count(*) AS lines
FROM flagged GROUP BY ALL
"""
rows = con.execute(sql).fetchall()
out, sus_ore, sus_lines, texts, suppliers = {}, 0, 0, {}, {}
for scope, pool, suspect, supplier, text, amount, lines in rows:
    ore = int(amount * 100)
    out[scope] = out.get(scope, 0) + ore
    if suspect:
        sus_ore += ore
        sus_lines += lines
        texts[text or ""] = texts.get(text or "", 0) + ore
        suppliers[supplier or ""] = suppliers.get(supplier or "", 0) + ore
top = lambda d: sorted(([k, v] for k, v in d.items() if k), key=lambda kv: (-kv[1], kv[0]))[:5]
print(json.dumps({
    "peer": "duckdb",
    "by_scope_ore": out,
    "groups": len(rows),
    "suspect_ore": sus_ore,
    "suspect_lines": sus_lines,
    "top_texts": top(texts),
    "top_suppliers": top(suppliers),
}, ensure_ascii=False))
