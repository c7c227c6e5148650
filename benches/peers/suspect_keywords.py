"""The [suspect] keywords of rules/kommun-bas-13.toml as one regular expression, for the peers.

Keywords of up to three characters match as whole words (as itcost's matcher does); longer ones anywhere.
"""
import re
import tomllib
from pathlib import Path

RULES = Path(__file__).resolve().parents[2] / "rules" / "kommun-bas-13.toml"


def suspect_regex() -> str:
    words = tomllib.loads(RULES.read_text(encoding="utf-8"))["suspect"]["keywords"]
    parts = []
    for w in words:
        w = w.lower()
        e = re.escape(w)
        parts.append(rf"\b{e}\b" if len(w) <= 3 else e)
    return "|".join(parts)
