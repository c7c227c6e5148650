#!/usr/bin/env python3
"""Checks that two cargo builds compile every shared dependency once.

    same-artifacts.py BUILD.json TEST.json             the binary and the tests: the same artifacts
    same-artifacts.py --reused DEFAULT.json OTHER.json  every artifact of the default build is reused by OTHER
                                                        (the `cluster` feature's build, issue 15)

Reads the `--message-format=json` output of the commands (files given as arguments). A dependency whose feature
set differs between two builds gets another hash in its file names (and polars would be compiled twice), which a
warm target directory would otherwise hide. A package may have several units in one build (a host copy for build
scripts with other features): its artifacts are compared as a set.
"""
import json
import sys


def artifacts(path):
    """Maps (package id, target name, target kinds) to the set of artifact file names, for every dependency."""
    found = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if not line.startswith("{"):
                continue
            msg = json.loads(line)
            if msg.get("reason") != "compiler-artifact":
                continue
            pkg = msg["package_id"]
            if pkg.startswith("path+"):
                continue  # the project's own crate is built differently for tests and features, by design
            key = (pkg, msg["target"]["name"], tuple(msg["target"]["kind"]))
            found.setdefault(key, set()).update(msg["filenames"])
    return found


def main():
    args = sys.argv[1:]
    reused = args[:1] == ["--reused"]
    if reused:
        args = args[1:]
    if len(args) != 2:
        print(__doc__, file=sys.stderr)
        return 64
    base, other = artifacts(args[0]), artifacts(args[1])
    what = "the cluster feature's build" if reused else "the test build"
    if reused:
        differ = [k for k in base if k in other and not base[k] <= other[k]]
    else:
        differ = [k for k in base if k in other and base[k] != other[k]]
    for pkg, name, _ in differ:
        print(f"compiled twice (other features in {what}): {name} ({pkg})", file=sys.stderr)
    if differ:
        hint = ("declare the cluster build's features in [dependencies] (see Cargo.toml's feature unification)"
                if reused else "give [dependencies] the features the tests turn on")
        print(f"{len(differ)} dependencies are compiled twice; {hint}", file=sys.stderr)
        return 1
    shared = sum(1 for k in base if k in other)
    print(f"same artifacts: all {shared} dependencies of the default build shared with {what}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
