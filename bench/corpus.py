"""Deterministic manifest trees for the performance budgets (issue 6).

    python bench/corpus.py OUT --files 10000 --seed 1 [--karpenter-share 0.02]   # P2: a GitOps monorepo
    python bench/corpus.py OUT --pairs 1000 --seed 1                             # P3: Karpenter-heavy

Monorepo: ``apps/<team>/<service>/{deployment,service,configmap}.yaml``, about three documents per file,
plus a share of Karpenter v1beta1 files under ``clusters/<cluster>/karpenter/``. Pairs: NodePool files
with their EC2NodeClass files under ``karpenter/<cluster>/``; most NodePools carry a kubelet that convert
moves to the other file, some share a class with a different kubelet (a split), and the files come in
the styles people commit (comments, flow lists, quoting, CRLF, 4-space indentation, multi-document
files, now and then a ``kind: List``). The bytes depend only on the arguments: one seeded
``random.Random``, no clock, no set or hash ordering.
"""

from __future__ import annotations

import argparse
import math
import random
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import _karpenter as k
import _workloads as w
from _emit import Style, stream

_TEAMS = (
    "payments",
    "search",
    "checkout",
    "identity",
    "catalog",
    "shipping",
    "ledger",
    "growth",
    "media",
    "ads",
    "infra",
    "data",
    "support",
    "mobile",
    "risk",
    "pricing",
)
_NOUNS = (
    "api",
    "worker",
    "gateway",
    "indexer",
    "scheduler",
    "proxy",
    "sync",
    "exporter",
    "cache",
    "router",
    "notifier",
    "ingester",
    "renderer",
    "auditor",
    "billing",
    "feed",
)
_POOLS = ("general", "spot", "memory", "compute", "gpu", "batch", "system", "arm")
_PAIRS_PER_CLUSTER = 50


@dataclass(frozen=True)
class File:
    path: str
    text: str
    documents: int
    karpenter_objects: int = 0


@dataclass
class Summary:
    files: int = 0
    documents: int = 0
    bytes: int = 0
    karpenter_files: int = 0
    karpenter_objects: int = 0

    def add(self, item: File) -> None:
        self.files += 1
        self.documents += item.documents
        self.bytes += len(item.text.encode())
        self.karpenter_files += item.karpenter_objects > 0
        self.karpenter_objects += item.karpenter_objects

    def line(self) -> str:
        return (
            f"{self.files} files, {self.documents} documents, {self.bytes / 1e6:.1f} MB, "
            f"{self.karpenter_files} Karpenter files, {self.karpenter_objects} Karpenter objects"
        )


# ---------------------------------------------------------------- styles


def style(rng: random.Random) -> Style:
    """A file's style; the shares are guesses at a large repository, not measurements."""
    return Style(
        indent=4 if rng.random() < 0.15 else 2,
        indent_sequences=rng.random() < 0.6,
        flow_lists=rng.random() < 0.4,
        flow_maps=rng.random() < 0.2,
        quote=rng.choices(["", '"', "'"], weights=[7, 2, 1])[0],
        newline="\r\n" if rng.random() < 0.05 else "\n",
        comments=rng.random() < 0.7,
    )


def _file(path: str, docs: list[dict[str, Any]], rng: random.Random, header: str | None = None) -> File:
    text = stream(docs, style(rng), header=header, start=rng.random() < 0.3)
    karpenter = sum(_karpenter_objects(d) for d in docs)
    return File(path, text, len(docs), karpenter)


def _karpenter_objects(doc: dict[str, Any]) -> int:
    if doc.get("kind") == "List":
        return sum(_karpenter_objects(item) for item in doc["items"])
    return int(str(doc.get("apiVersion", "")).startswith(("karpenter.sh/", "karpenter.k8s.aws/")))


# ---------------------------------------------------------------- P3: NodePool + EC2NodeClass pairs


@dataclass(frozen=True)
class _Pair:
    cluster: str
    pool: str
    own_class: str


def _pair(i: int) -> _Pair:
    cluster = f"cluster-{i // _PAIRS_PER_CLUSTER:03d}"
    pool = f"{_POOLS[i % len(_POOLS)]}-{i:04d}"
    return _Pair(cluster, pool, f"{pool}-class")


def pair_files(count: int, seed: int) -> Iterator[File]:
    """``count`` NodePools and ``count`` EC2NodeClasses, in two files each or together in one."""
    return _pair_files(seed, "karpenter", pairs=count)


def _pair_files(
    seed: int, root: str, *, pairs: int | None = None, files: int | None = None
) -> Iterator[File]:
    """Pairs until ``pairs`` pairs or exactly ``files`` files are written (the last pair fits)."""
    rng = random.Random(f"pairs:{seed}")
    previous: tuple[_Pair, dict[str, Any]] | None = None
    made = i = 0
    while (pairs is None or i < pairs) and (files is None or made < files):
        pair = _pair(i)
        layout = rng.choices(["split", "multi", "list"], weights=[85, 12, 3])[0]
        if files is not None and files - made == 1 and layout == "split":
            layout = "multi"
        class_name, kubelet = pair.own_class, None
        if previous is not None and layout == "split" and rng.random() < 0.12:
            # Same class as the previous NodePool, another maxPods: convert splits the class (KM101).
            class_name = previous[0].own_class
            kubelet = k.kubelet(rng, not_max_pods=previous[1]["maxPods"])
        elif rng.random() < 0.8:
            kubelet = k.kubelet(rng)
        pool = k.nodepool(rng, pair.pool, class_name, kubelet)
        nodeclass = k.nodeclass(rng, pair.own_class, pair.cluster)
        for item in _pair_layout(rng, root, pair, layout, pool, nodeclass):
            made += 1
            yield item
        # Only a class in a file of its own is shared: a List item cannot be split (plan.py).
        previous = (pair, kubelet) if layout == "split" and kubelet is not None else None
        i += 1


def _pair_layout(
    rng: random.Random, root: str, pair: _Pair, layout: str, pool: dict[str, Any], nodeclass: dict[str, Any]
) -> Iterator[File]:
    base = f"{root}/{pair.cluster}"
    if layout == "split":
        yield _file(f"{base}/nodepools/{pair.pool}.yaml", [pool], rng, header=f"NodePool {pair.pool}")
        yield _file(f"{base}/nodeclasses/{pair.own_class}.yaml", [nodeclass], rng)
    elif layout == "multi":
        yield _file(f"{base}/{pair.pool}.yaml", [nodeclass, pool], rng, header="Node class and its pool")
    else:
        listing = {
            "apiVersion": "v1",
            "kind": "List",
            "metadata": {"resourceVersion": ""},
            "items": [nodeclass, pool],
        }
        yield _file(f"{base}/{pair.pool}-list.yaml", [listing], rng)


def precommit_text(seed: int) -> str:
    """P1's file: one EC2NodeClass and the NodePool using it, kubelet included, in the common style."""
    rng = random.Random(f"precommit:{seed}")
    pair = _pair(0)
    pool = k.nodepool(rng, pair.pool, pair.own_class, k.kubelet(rng))
    nodeclass = k.nodeclass(rng, pair.own_class, pair.cluster)
    return stream([nodeclass, pool], Style(), header="Karpenter capacity for the cluster.")


# ---------------------------------------------------------------- P2: a GitOps monorepo


def _service_files(rng: random.Random, j: int) -> list[File]:
    team = _TEAMS[j % len(_TEAMS)]
    name = f"{_NOUNS[rng.randrange(len(_NOUNS))]}-{j:05d}"
    ns, base = team, f"apps/{team}/{name}"
    workload = [w.deployment(rng, name, team, ns)]
    workload += [
        f(rng, name, team, ns)
        for f, p in ((w.service_account, 0.8), (w.hpa, 0.6), (w.pdb, 0.6))
        if rng.random() < p
    ]
    network = [w.service(rng, name, team, ns)]
    if rng.random() < 0.7:
        network.append(w.service(rng, name, team, ns, headless=True))
    network += [
        f(rng, name, team, ns) for f, p in ((w.ingress, 0.6), (w.network_policy, 0.7)) if rng.random() < p
    ]
    configs = [w.configmap(rng, name, team, ns, i) for i in range(rng.randint(1, 5))]
    return [
        _file(f"{base}/deployment.yaml", workload, rng),
        _file(f"{base}/service.yaml", network, rng),
        _file(f"{base}/configmap.yaml", configs, rng, header=f"Configuration of {name}"),
    ]


def monorepo_files(files: int, seed: int, karpenter_share: float = 0.02) -> Iterator[File]:
    """Exactly ``files`` files, ``round(files * karpenter_share)`` of them Karpenter v1beta1."""
    rng = random.Random(f"monorepo:{seed}")
    karpenter = round(files * karpenter_share)
    yield from _pair_files(seed, "clusters", files=karpenter)
    apps = files - karpenter
    for j in range(math.ceil(apps / 3)):
        yield from _service_files(rng, j)[: apps - 3 * j]


# ---------------------------------------------------------------- writing (the I/O edge)


def write(out: Path, generated: Iterator[File]) -> Summary:
    summary = Summary()
    for item in generated:
        target = out / item.path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(item.text.encode())
        summary.add(item)
    return summary


def monorepo(out: Path, files: int, seed: int, karpenter_share: float = 0.02) -> Summary:
    return write(out, monorepo_files(files, seed, karpenter_share))


def pairs(out: Path, count: int, seed: int) -> Summary:
    return write(out, pair_files(count, seed))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="Directory to write the tree into (created).")
    size = parser.add_mutually_exclusive_group(required=True)
    size.add_argument("--files", type=int, help="Monorepo mode: this many files (P2).")
    size.add_argument(
        "--pairs", type=int, help="Karpenter mode: this many NodePool + EC2NodeClass pairs (P3)."
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--karpenter-share", type=float, default=0.02, help="Monorepo mode: share of Karpenter files."
    )
    args = parser.parse_args(argv)
    if args.files is not None:
        summary = monorepo(args.out, args.files, args.seed, args.karpenter_share)
    else:
        summary = pairs(args.out, args.pairs, args.seed)
    print(f"{args.out}: {summary.line()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
