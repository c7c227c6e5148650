"""Writes the default rules with 1 000 extra rules placed first (so every key has to get past them):
500 with an account code and an account-text keyword (skipped by the rule index for every other account), and
500 with a cost-centre condition only (tried by every key). None of them matches the generated ledgers.

    python3 benches/many_rules.py rules/kommun-bas-13.toml > bench-data/rules-1026.toml
"""
import sys

src = open(sys.argv[1], encoding="utf-8").read()
at = src.index("\n[[rule]]") + 1
extra = []
for i in range(500):
    extra.append(
        f'[[rule]]\nid = "x-account-{i}"\naccount = "9{i:03}"\naccount_text = ["nyckelord{i}"]\npool = "Software"\n'
    )
for i in range(500):
    extra.append(f'[[rule]]\nid = "x-cc-{i}"\ncost_centre = "ZZ{i}"\npool = "Hardware"\n')
sys.stdout.write(src[:at] + "\n".join(extra) + "\n" + src[at:])
