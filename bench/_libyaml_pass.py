"""P2's reference: one libyaml pass (PyYAML ``CSafeLoader``) over every document of a tree.

    python bench/_libyaml_pass.py TREE

Runs in whichever interpreter has PyYAML built on libyaml (``_measure.find_libyaml_python``), so it
imports nothing from karpmigrate or the bench. It walks the tree like ``karpmigrate`` (sorted,
hidden entries skipped, .yaml/.yml/.json), hands each file's bytes to libyaml, and prints the count.
"""

from __future__ import annotations

import os
import sys

import yaml  # type: ignore[import-untyped]  # the reference venv has no stubs

EXTENSIONS = (".yaml", ".yml", ".json")


def files(root: str) -> list[str]:
    found = []
    for directory, subdirs, names in os.walk(root):
        subdirs[:] = sorted(d for d in subdirs if not d.startswith("."))
        found += [os.path.join(directory, n) for n in sorted(names) if n.endswith(EXTENSIONS) and n[0] != "."]
    return found


def main(root: str) -> int:
    if not yaml.__with_libyaml__:
        print("PyYAML is not built on libyaml", file=sys.stderr)
        return 2
    count = 0
    paths = files(root)
    for path in paths:
        with open(path, "rb") as stream:
            data = stream.read()
        count += sum(1 for _ in yaml.load_all(data, Loader=yaml.CSafeLoader))
    print(f"{count} documents in {len(paths)} files")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
