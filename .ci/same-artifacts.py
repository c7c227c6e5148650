#!/usr/bin/env python3
"""Checks that `cargo build --release` and `cargo test --release` compile every dependency once.

Reads the `--message-format=json` output of both commands (files given as arguments) and compares, for each
dependency the binary build compiled, the artifact file names the test build used. A dependency whose feature set
differs between the two builds gets another hash in its file names (and polars would be compiled twice), which a
warm target directory would otherwise hide.
"""
import json
import sys


def artifacts(path):
    """Maps (package id, target name, target kinds) to the artifact file names, for every dependency."""
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
                continue  # the project's own crate is built differently for tests, by design
            key = (pkg, msg["target"]["name"], tuple(msg["target"]["kind"]))
            found[key] = sorted(msg["filenames"])
    return found


def main():
    build, test = artifacts(sys.argv[1]), artifacts(sys.argv[2])
    differ = [k for k in build if k in test and build[k] != test[k]]
    for pkg, name, _ in differ:
        print(f"compiled twice (other features for the tests): {name} ({pkg})", file=sys.stderr)
    if differ:
        print(f"{len(differ)} dependencies are compiled twice; give [dependencies] the features the tests turn on",
              file=sys.stderr)
        return 1
    print(f"same artifacts: all {len(build)} dependencies of the binary are shared with the test build")
    return 0


if __name__ == "__main__":
    sys.exit(main())
