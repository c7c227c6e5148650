"""DuckDB doing itcost's core work on the same generated ledger (the peer of benches/run.sh).

Same classification as itcost's default rules on the generated chart: account → pool by group prefix and
account-text keywords, central IT by cost centre, internal lines eliminated by account text, balance sheet and
class 8 excluded, then cost per pool × scope and total cost. Prints one JSON line with its totals (öre).
"""
import json
import sys

import duckdb

path, central = sys.argv[1], sys.argv[2].split(",")
con = duckdb.connect()
con.execute("SET threads TO 2")
sql = f"""
WITH raw AS (
  SELECT Konto AS account, Kontotext AS account_text, Ansvar AS cost_centre,
         CAST(replace(replace(replace(Belopp, ' ', ''), chr(160), ''), ',', '.') AS DECIMAL(18,2)) AS amount
  FROM read_csv('{path}', delim=';', header=true, encoding='latin-1', all_varchar=true)
),
classified AS (
  SELECT *,
    CASE
      WHEN account LIKE '1%' OR account LIKE '2%' OR account LIKE '8%' OR account LIKE '40%' THEN 'excluded'
      WHEN regexp_matches(lower(account_text), '\\bintern(a|t)?\\b') THEN 'internal'
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
)
SELECT scope, pool, sum(amount) AS amount, count(*) AS lines FROM classified GROUP BY ALL
"""
rows = con.execute(sql).fetchall()
out = {}
for scope, pool, amount, lines in rows:
    out[scope] = out.get(scope, 0) + int(amount * 100)
print(json.dumps({"peer": "duckdb", "by_scope_ore": out, "groups": len(rows)}))
