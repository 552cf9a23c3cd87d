"""Real-world v1beta1 manifests: their clean conversion must not drift nodes unless the converter says so.

Every v1beta1 file of ../shared/corpus/realworld/yaml is converted in clean mode (default options);
each converted object is compared with its v1beta1 original through what the webhook stores. A static
NodePool or EC2NodeClass change (KM201, KM204) is allowed only where the converter itself reports a
drift-causing note for that object. Skipped, with the reason, when ../shared is absent.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from drift_support import SHARED

from karpmigrate.convert import Options, convert_text
from karpmigrate.drift import compare
from karpmigrate.lint.engine import identity
from karpmigrate.lint.objects import load_text

CORPUS = SHARED / "corpus" / "realworld" / "yaml"
#: Converter notes that announce a change Karpenter will see (split, rename, rewritten AMI selection...).
DRIFT_NOTES = frozenset({"KM101", "KM105", "KM109", "KM110", "KM111", "KM112", "KM116", "KM209"})
STATIC = frozenset({"KM201", "KM204"})


def _files() -> list[Path]:
    if not CORPUS.is_dir():
        return []
    return sorted(p for p in CORPUS.iterdir() if "v1beta1" in p.read_text(encoding="utf-8", errors="replace"))


def _unexplained(path: Path, options: Options | None = None) -> tuple[int, list[str]]:
    text = path.read_text(encoding="utf-8")
    result = convert_text(text, options or Options(), file=path.name)
    if result.text is None:
        return 0, []
    notes: dict[tuple[str | None, str | None], set[str]] = {}
    for note in result.notes:
        notes.setdefault((note.obj.kind, note.obj.name), set()).add(note.code)
    previous = {identity(o): o for o in load_text(text, "old").objects}
    compared, problems = 0, []
    for obj in load_text(result.text, "new").objects:
        old = previous.get(identity(obj))
        if old is None or obj.kind not in ("NodePool", "EC2NodeClass"):
            continue
        compared += 1
        explained = notes.get((obj.kind, obj.name), set()) & DRIFT_NOTES
        for change in compare(old.data, obj.data):
            if change.code.code in STATIC and not explained:
                problems.append(f"{path.name}: {obj}: {change.code.code} {change.message}")
    return compared, problems


def test_clean_conversions_of_the_corpus_do_not_drift_nodes():
    files = _files()
    if not files:
        pytest.skip("../shared/corpus/realworld/yaml not present: real-world corpus unavailable")
    compared, problems = 0, []
    for path in files:
        count, found = _unexplained(path)
        compared += count
        problems.extend(found)
    assert compared >= 50, "the corpus should hold dozens of NodePools and EC2NodeClasses"
    assert problems == []


def test_the_corpus_check_sees_a_conversion_that_drifts():
    # --adopt-v1-defaults leaves the hop limit to v1's 1 where the stored classes have v0.37's 2.
    files = _files()
    if not files:
        pytest.skip("../shared/corpus/realworld/yaml not present: real-world corpus unavailable")
    problems = [p for path in files for p in _unexplained(path, Options(adopt_v1_defaults=True))[1]]
    assert len(problems) >= 20
    assert all("KM204 metadataOptions httpPutResponseHopLimit 2 -> 1" in p for p in problems)
