"""Shared pieces of the hardening suite (issue 6): object strategies, leaf accounting, mutators, CLI runs.

Also imported by ``bench/fuzz_long.py`` so the long fuzz run and the short one in the tests apply the
very same mutations; the mutators therefore take a plain ``random.Random`` (hypothesis hands one in
through ``st.randoms()``) and work on bytes, since several of them produce text that is not UTF-8.
"""

from __future__ import annotations

import io
import itertools
import json
import random
import re
import sys
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hypothesis import strategies as st
from ruamel.yaml import YAML

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "fixtures"

Leaf = tuple[tuple[str | int, ...], Any]

# ------------------------------------------------------------------ generated v1beta1 objects

_NAME = st.from_regex(r"\A[a-z][a-z0-9]{0,8}(-[a-z0-9]{1,6})?\Z")
_LABEL_VALUE = st.from_regex(r"\A[a-z0-9]([a-z0-9.-]{0,10}[a-z0-9])?\Z")
_CLUSTER = st.sampled_from(["prod", "staging-eu", "my-cluster", "c1"])
_HEX = st.from_regex(r"\A[0-9a-f]{8,17}\Z")


def _optional(draw: st.DrawFn, strategy: st.SearchStrategy[Any], out: dict[str, Any], key: str) -> None:
    """Set ``out[key]`` about half the time: every optional field is sometimes absent."""
    if draw(st.booleans()):
        out[key] = draw(strategy)


@st.composite
def _subnet_term(draw: st.DrawFn) -> dict[str, Any]:
    if draw(st.booleans()):
        return {"id": "subnet-" + draw(_HEX)}
    return {"tags": {"karpenter.sh/discovery": draw(_CLUSTER)}}


@st.composite
def _security_group_term(draw: st.DrawFn) -> dict[str, Any]:
    choice = draw(st.sampled_from(["id", "tags", "name"]))
    if choice == "id":
        return {"id": "sg-" + draw(_HEX)}
    if choice == "name":
        return {"name": draw(_NAME) + "-nodes"}
    return {"tags": {"karpenter.sh/discovery": draw(_CLUSTER)}}


@st.composite
def _ami_term(draw: st.DrawFn) -> dict[str, Any]:
    choice = draw(st.sampled_from(["id", "tags", "name"]))
    if choice == "id":
        return {"id": "ami-" + draw(_HEX)}
    if choice == "name":
        return {
            "name": draw(_NAME) + "-*",
            "owner": draw(st.sampled_from(["self", "amazon", "123456789012"])),
        }
    return {"tags": {"image-pipeline/name": draw(_NAME)}}


@st.composite
def _block_device(draw: st.DrawFn) -> dict[str, Any]:
    ebs: dict[str, Any] = {"volumeSize": draw(st.sampled_from(["20Gi", "100Gi", "1Ti"]))}
    _optional(draw, st.sampled_from(["gp3", "gp2", "io2"]), ebs, "volumeType")
    _optional(draw, st.booleans(), ebs, "encrypted")
    _optional(draw, st.booleans(), ebs, "deleteOnTermination")
    return {"deviceName": draw(st.sampled_from(["/dev/xvda", "/dev/xvdb", "/dev/sdf"])), "ebs": ebs}


@st.composite
def ec2nodeclasses(draw: st.DrawFn, name: str) -> dict[str, Any]:
    """A valid karpenter.k8s.aws/v1beta1 EC2NodeClass that clean mode converts without an error.

    Ubuntu is left out: without ``--ubuntu-ami-id`` it is an error to act on (exit 3), not a clean
    conversion. Custom requires amiSelectorTerms (CEL rule of the CRD).
    """
    family = draw(st.sampled_from(["AL2", "AL2023", "Bottlerocket", "Custom", "Windows2019", "Windows2022"]))
    spec: dict[str, Any] = {"amiFamily": family}
    if family == "Custom" or draw(st.booleans()):
        spec["amiSelectorTerms"] = draw(st.lists(_ami_term(), min_size=1, max_size=3))
    if draw(st.booleans()):
        spec["role"] = "KarpenterNodeRole-" + draw(_NAME)
    else:
        spec["instanceProfile"] = "KarpenterNodeInstanceProfile-" + draw(_NAME)
    spec["subnetSelectorTerms"] = draw(st.lists(_subnet_term(), min_size=1, max_size=3))
    spec["securityGroupSelectorTerms"] = draw(st.lists(_security_group_term(), min_size=1, max_size=3))
    _optional(
        draw, st.dictionaries(st.sampled_from(["team", "cost-center", "env"]), _LABEL_VALUE), spec, "tags"
    )
    _optional(draw, st.booleans(), spec, "detailedMonitoring")
    _optional(draw, st.booleans(), spec, "associatePublicIPAddress")
    _optional(draw, st.sampled_from(["echo hello\n", "#!/bin/bash\nset -e\necho boot\n"]), spec, "userData")
    _optional(
        draw,
        st.lists(_block_device(), min_size=1, max_size=2, unique_by=lambda b: b["deviceName"]),
        spec,
        "blockDeviceMappings",
    )
    if draw(st.booleans()):
        options: dict[str, Any] = {}
        _optional(draw, st.sampled_from(["required", "optional"]), options, "httpTokens")
        _optional(draw, st.integers(1, 64), options, "httpPutResponseHopLimit")
        _optional(draw, st.sampled_from(["enabled", "disabled"]), options, "httpEndpoint")
        spec["metadataOptions"] = options
    metadata: dict[str, Any] = {"name": name}
    _optional(
        draw,
        st.dictionaries(st.sampled_from(["team", "app.kubernetes.io/part-of"]), _LABEL_VALUE, min_size=1),
        metadata,
        "labels",
    )
    return {
        "apiVersion": "karpenter.k8s.aws/v1beta1",
        "kind": "EC2NodeClass",
        "metadata": metadata,
        "spec": spec,
    }


_REQUIREMENTS = {
    "karpenter.sh/capacity-type": ["spot", "on-demand"],
    "kubernetes.io/arch": ["amd64", "arm64"],
    "karpenter.k8s.aws/instance-category": ["c", "m", "r"],
    "topology.kubernetes.io/zone": ["eu-west-1a", "eu-west-1b"],
}


@st.composite
def _requirement(draw: st.DrawFn) -> dict[str, Any]:
    key = draw(st.sampled_from(sorted(_REQUIREMENTS)))
    values = draw(st.lists(st.sampled_from(_REQUIREMENTS[key]), min_size=1, unique=True))
    return {"key": key, "operator": draw(st.sampled_from(["In", "NotIn"])), "values": values}


@st.composite
def kubelets(draw: st.DrawFn) -> dict[str, Any]:
    """A non-empty, valid v1beta1 kubelet block (moves to the EC2NodeClass in v1, KM101)."""
    kubelet: dict[str, Any] = {"maxPods": draw(st.integers(10, 250))}
    _optional(draw, st.integers(0, 8), kubelet, "podsPerCore")
    _optional(draw, st.just(["10.100.0.10"]), kubelet, "clusterDNS")
    _optional(
        draw, st.fixed_dictionaries({"cpu": st.sampled_from(["100m", "250m"])}), kubelet, "systemReserved"
    )
    _optional(
        draw, st.fixed_dictionaries({"memory": st.sampled_from(["200Mi", "1Gi"])}), kubelet, "kubeReserved"
    )
    _optional(
        draw,
        st.fixed_dictionaries({"memory.available": st.sampled_from(["5%", "100Mi"])}),
        kubelet,
        "evictionHard",
    )
    if draw(st.booleans()):
        kubelet["imageGCHighThresholdPercent"] = draw(st.integers(51, 100))
        kubelet["imageGCLowThresholdPercent"] = draw(st.integers(0, 50))
    return kubelet


@st.composite
def _disruption(draw: st.DrawFn) -> dict[str, Any]:
    disruption: dict[str, Any] = {}
    policy = draw(st.sampled_from(["WhenEmpty", "WhenUnderutilized", None]))
    if policy is not None:
        disruption["consolidationPolicy"] = policy
    if policy == "WhenEmpty":
        disruption["consolidateAfter"] = draw(st.sampled_from(["30s", "5m", "1h", "Never"]))
    _optional(draw, st.sampled_from(["720h", "336h", "Never", "24h30m"]), disruption, "expireAfter")
    if draw(st.booleans()):
        disruption["budgets"] = draw(
            st.lists(
                st.fixed_dictionaries({"nodes": st.sampled_from(["10%", "0", "5"])}), min_size=1, max_size=3
            )
        )
    return disruption


@st.composite
def nodepools(draw: st.DrawFn, name: str, nodeclass: str, kubelet: dict[str, Any] | None) -> dict[str, Any]:
    """A valid karpenter.sh/v1beta1 NodePool referencing ``nodeclass``."""
    ref: dict[str, Any] = {"name": nodeclass}
    _optional(draw, st.just("karpenter.k8s.aws/v1beta1"), ref, "apiVersion")
    _optional(draw, st.just("EC2NodeClass"), ref, "kind")
    template_spec: dict[str, Any] = {"nodeClassRef": ref}
    template_spec["requirements"] = draw(st.lists(_requirement(), max_size=3, unique_by=lambda r: r["key"]))
    if kubelet is not None:
        template_spec["kubelet"] = kubelet
    _optional(
        draw,
        st.lists(
            st.fixed_dictionaries(
                {
                    "key": st.just("dedicated"),
                    "value": _NAME,
                    "effect": st.sampled_from(["NoSchedule", "NoExecute"]),
                }
            ),
            min_size=1,
            max_size=1,
        ),
        template_spec,
        "taints",
    )
    template: dict[str, Any] = {"spec": template_spec}
    if draw(st.booleans()):
        template["metadata"] = {"labels": {"tier": draw(_LABEL_VALUE)}}
    spec: dict[str, Any] = {"template": template}
    disruption = draw(_disruption())
    keep_empty: bool = draw(st.booleans())
    if disruption or keep_empty:
        spec["disruption"] = disruption
    _optional(
        draw,
        st.fixed_dictionaries(
            {"cpu": st.sampled_from(["100", "1000"]), "memory": st.sampled_from(["100Gi", "1Ti"])}
        ),
        spec,
        "limits",
    )
    _optional(draw, st.integers(1, 100), spec, "weight")
    return {
        "apiVersion": "karpenter.sh/v1beta1",
        "kind": "NodePool",
        "metadata": {"name": name},
        "spec": spec,
    }


@st.composite
def karpenter_sets(draw: st.DrawFn) -> list[dict[str, Any]]:
    """One to two EC2NodeClasses and one to three NodePools over them.

    Pools sharing a class sometimes carry different kubelets: clean mode then splits the class
    (KM101), which the leaf accounting must still see through.
    """
    classes = draw(st.lists(_NAME, min_size=1, max_size=2, unique=True))
    pools = draw(st.lists(_NAME.map(lambda n: n + "-pool"), min_size=1, max_size=3, unique=True))
    docs = [draw(ec2nodeclasses(name)) for name in classes]
    for pool in pools:
        kubelet = draw(st.one_of(st.none(), kubelets()))
        docs.append(draw(nodepools(pool, draw(st.sampled_from(classes)), kubelet)))
    return docs


# ------------------------------------------------------------------ rendering with varied styles


@dataclass(frozen=True)
class TextStyle:
    """How a generated set is written: the converter must keep whichever style it finds."""

    indent: int = 2
    dash_offset: int = 0
    flow_leaves: bool = False
    explicit_start: bool = False
    crlf: bool = False
    #: One JSON text per document (kubectl get -o json, Helm --output json), "---" between them.
    json: bool = False


TEXT_STYLES = st.builds(
    TextStyle,
    indent=st.sampled_from([2, 4]),
    dash_offset=st.sampled_from([0, 2]),
    flow_leaves=st.booleans(),
    explicit_start=st.booleans(),
    crlf=st.booleans(),
    json=st.booleans(),
)


def dump_yaml(docs: Sequence[Mapping[str, Any]], style: TextStyle) -> str:
    if style.json:
        text = "---\n".join(json.dumps(doc, indent=style.indent) + "\n" for doc in docs)
        return text.replace("\n", "\r\n") if style.crlf else text
    yaml = YAML()
    offset = min(style.dash_offset, style.indent - 1) if style.dash_offset else 0
    yaml.indent(mapping=style.indent, sequence=style.indent + offset, offset=offset)
    yaml.default_flow_style = None if style.flow_leaves else False
    yaml.explicit_start = style.explicit_start
    stream = io.StringIO()
    yaml.dump_all([dict(d) for d in docs], stream)
    text = stream.getvalue()
    return text.replace("\n", "\r\n") if style.crlf else text


# ------------------------------------------------------------------ leaf accounting


def leaves(node: Any, path: tuple[str | int, ...] = ()) -> Iterator[Leaf]:
    """Every scalar with its path; an empty map or list counts as a leaf of its own."""
    if isinstance(node, Mapping):
        if not node:
            yield path, {}
        for key, value in node.items():
            yield from leaves(value, (*path, str(key)))
    elif isinstance(node, list):
        if not node:
            yield path, []
        for index, value in enumerate(node):
            yield from leaves(value, (*path, index))
    else:
        yield path, node


#: Values a documented v1 rule rewrites (conversion-rules.md §2, §4): (path tail, old) -> accepted new.
#: A leaf whose path ends with the tail and whose value is ``old`` counts as kept when ``new`` is in
#: the output. Everything else must survive verbatim.
RENAMES: dict[tuple[tuple[str, ...], Any], Callable[[Any], set[Any]]] = {
    (("apiVersion",), "karpenter.sh/v1beta1"): lambda _: {"karpenter.sh/v1"},
    (("apiVersion",), "karpenter.k8s.aws/v1beta1"): lambda _: {"karpenter.k8s.aws/v1"},
    # nodeClassRef.apiVersion -> nodeClassRef.group (§2, NP12/CL04)
    (("nodeClassRef", "apiVersion"), "karpenter.k8s.aws/v1beta1"): lambda _: {"karpenter.k8s.aws"},
    # WhenUnderutilized -> WhenEmptyOrUnderutilized (§2, NP06/CL03)
    (("consolidationPolicy",), "WhenUnderutilized"): lambda _: {"WhenEmptyOrUnderutilized"},
}


def _scalar_values(node: Any) -> set[str]:
    return {repr(value) for _, value in leaves(node)}


def _renamed(path: tuple[str | int, ...], value: Any) -> set[Any] | None:
    for (tail, old), new in RENAMES.items():
        if value == old and tuple(path[-len(tail) :]) == tail:
            return new(value)
    return None


def _named_by_note(path: tuple[str | int, ...], value: Any, notes: Sequence[Any]) -> bool:
    for note in notes:
        note_path = tuple(note.path)
        if note_path and tuple(path[: len(note_path)]) == note_path:
            return True
        if isinstance(value, str) and len(value) > 2 and value in note.message:
            return True
        if note_path and str(path[-1]) in note.message:
            return True
    return False


def lost_leaves(inputs: Sequence[Any], outputs: Sequence[Any], notes: Sequence[Any]) -> list[Leaf]:
    """Leaves of ``inputs`` found nowhere in ``outputs`` (by value) and named by no note.

    "Found" means: the same scalar (same type and value, ``repr`` equality) is a leaf of some output
    object, anywhere; or the leaf is a documented rename (``RENAMES``) whose new value is present;
    or a note's path is a prefix of the leaf's path, or a note's message quotes the value or the
    leaf's key. Empty maps and lists carry no value and are not accounted (the CRD defaults may fill
    them, e.g. ``metadataOptions: {}``). Anywhere rather than at a v1 path, because v1 moves fields between objects (kubelet
    to the EC2NodeClass, expireAfter into the template) and splits classes.
    """
    present = set().union(*(_scalar_values(out) for out in outputs)) if outputs else set()
    lost = []
    for doc in inputs:
        for path, value in leaves(doc):
            if value == {} or value == [] or repr(value) in present:
                continue
            renamed = _renamed(path, value)
            if renamed is not None and {repr(v) for v in renamed} & present:
                continue
            if _named_by_note(path, value, notes):
                continue
            lost.append((path, value))
    return lost


# ------------------------------------------------------------------ seeds and mutators


def seed_paths() -> list[Path]:
    examples = sorted((FIXTURES / "examples").rglob("*.yaml"))
    converts = sorted((FIXTURES / "convert").rglob("*.in.yaml"))
    return examples + converts


def seed_texts() -> list[bytes]:
    return [path.read_bytes() for path in seed_paths()]


Mutator = Callable[[random.Random, bytes], bytes]
MUTATORS: dict[str, Mutator] = {}


def mutator(name: str) -> Callable[[Mutator], Mutator]:
    def register(fn: Mutator) -> Mutator:
        MUTATORS[name] = fn
        return fn

    return register


def _offset(rng: random.Random, data: bytes) -> int:
    return rng.randrange(len(data) + 1)


@mutator("truncate")
def _truncate(rng: random.Random, data: bytes) -> bytes:
    return data[: _offset(rng, data)]


_SCALAR = re.compile(rb"(:[ ]+)([^\s#\[\]{},][^\r\n#]*)")
_WRONG = [
    b"[1, 2]",
    b"{a: 1}",
    b"true",
    b"null",
    b"12345678901234567890123",
    b"-1",
    b"1e400",
    b"~",
    b"!!binary aGVsbG8=",
    b"0x1F",
    b"2001-12-14",
    b"'x'",
    b'"\\u0000"',
    b"[]",
    b"{}",
]


@mutator("wrong_type")
def _wrong_type(rng: random.Random, data: bytes) -> bytes:
    matches = list(_SCALAR.finditer(data))
    for _ in range(rng.randint(1, 3)):
        if not matches:
            break
        m = rng.choice(matches)
        data = data[: m.start(2)] + rng.choice(_WRONG) + data[m.end(2) :]
        matches = list(_SCALAR.finditer(data))
    return data


_TREE_WRONG: list[Any] = [{}, [], 1, "x", None, True, [{"a": 1}], {"a": [1]}, -1, 1.5, "1" * 40]


def _tree_paths(node: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield path
    if len(path) >= 40:  # seeds already made deep by another mutator: the top is enough
        return
    children = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
    for key, value in children:
        yield from _tree_paths(value, (*path, key))


@mutator("tree_wrong_type")
def _tree_wrong_type(rng: random.Random, data: bytes) -> bytes:
    """Any node of a parsed seed (kind, apiVersion, a whole spec) replaced by a value of another type.

    The byte-level ``wrong_type`` only reaches ``key: scalar`` lines; this one reaches every node.
    """
    if len(data) > 64 * 1024:  # a pure-Python parse of a huge mutant would make the mutator the bottleneck
        return data
    try:
        docs = [doc for doc in YAML(typ="safe", pure=True).load_all(data) if doc is not None]
    except Exception:  # noqa: BLE001 - an already broken seed: leave it to the other mutators
        return data
    # islice: an alias bomb that parsed is a tree of billions of paths (shared nodes); 5,000 suffice.
    walk = ((i, path) for i, doc in enumerate(docs) for path in _tree_paths(doc) if path)
    spots = list(itertools.islice(walk, 5000))
    if not spots:
        return data
    index, path = rng.choice(spots)
    node = docs[index]
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = rng.choice(_TREE_WRONG)
    stream = io.StringIO()
    YAML().dump_all(docs, stream)
    return stream.getvalue().encode()


@mutator("huge_scalar")
def _huge_scalar(rng: random.Random, data: bytes) -> bytes:
    matches = list(_SCALAR.finditer(data))
    big = b"x" * rng.choice([1 << 16, 1 << 20])
    if rng.random() < 0.3:
        big = b"9" * (1 << 16)  # a huge integer: int() of it is quadratic in some Pythons
    if not matches:
        return data + b"\nhuge: " + big + b"\n"
    m = rng.choice(matches)
    return data[: m.start(2)] + big + data[m.end(2) :]


@mutator("deep_nesting")
def _deep_nesting(rng: random.Random, data: bytes) -> bytes:
    depth = rng.choice([200, 1000, 10_000])
    kind = rng.choice(["flow_seq", "flow_map", "block"])
    if kind == "flow_seq":
        nest = b"[" * depth + b"]" * depth
    elif kind == "flow_map":
        nest = b"{a: " * depth + b"1" + b"}" * depth
    else:
        nest = (
            b"".join(b"  " * i + b"k:\n" for i in range(min(depth, 2000))) + b"  " * min(depth, 2000) + b"v\n"
        )
    matches = list(_SCALAR.finditer(data))
    if not matches or kind == "block":
        return data + b"\n---\nnested:\n" + b"\n".join(b"  " + line for line in nest.split(b"\n"))
    m = rng.choice(matches)
    return data[: m.start(2)] + nest + data[m.end(2) :]


@mutator("billion_laughs")
def _billion_laughs(rng: random.Random, data: bytes) -> bytes:
    levels = rng.randint(5, 10)
    lines = [b"a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for i in range(1, levels):
        refs = b", ".join(b"*a%d" % (i - 1) for _ in range(9))
        lines.append(b"a%d: &a%d [%s]" % (i, i, refs))
    bomb = b"\n".join(lines) + b"\n"
    return bomb + b"---\n" + data if rng.random() < 0.5 else data + b"\n---\n" + bomb


@mutator("anchors")
def _anchors(rng: random.Random, data: bytes) -> bytes:
    # Undefined aliases, recursive anchors, and merge keys over scalars.
    pieces = [
        b"x: *undefined\n",
        b"r: &r [*r]\n",
        b"m: &m {a: 1}\nn: {<<: *m, <<: 1}\n",
        b"<<: *nothing\n",
        b"s: &s spec\nt: *s\n",
    ]
    at = _offset(rng, data)
    return data[:at] + b"\n" + rng.choice(pieces) + data[at:]


@mutator("tabs")
def _tabs(rng: random.Random, data: bytes) -> bytes:
    lines = data.split(b"\n")
    for _ in range(rng.randint(1, 4)):
        i = rng.randrange(len(lines))
        lines[i] = re.sub(rb"^( +)", lambda m: b"\t" * max(1, len(m.group(1)) // 2), lines[i])
        if rng.random() < 0.3:
            lines[i] = lines[i].replace(b": ", b":\t", 1)
    return b"\n".join(lines)


@mutator("nul")
def _nul(rng: random.Random, data: bytes) -> bytes:
    at = _offset(rng, data)
    return (
        data[:at]
        + rng.choice([b"\x00", b"\x00\x00\x00", b"\x07", b"\x1b[31m", b"\x85", b"\xc2\x85"])
        + data[at:]
    )


@mutator("invalid_utf8")
def _invalid_utf8(rng: random.Random, data: bytes) -> bytes:
    at = _offset(rng, data)
    return (
        data[:at]
        + rng.choice([b"\xff", b"\xc3\x28", b"\xed\xa0\x80", b"\xf8\x88\x80\x80\x80", b"\x80"])
        + data[at:]
    )


@mutator("crlf_mix")
def _crlf_mix(rng: random.Random, data: bytes) -> bytes:
    lines = data.split(b"\n")
    return b"".join(line + rng.choice([b"\n", b"\r\n", b"\r"]) for line in lines)


@mutator("bom")
def _bom(rng: random.Random, data: bytes) -> bytes:
    bom = rng.choice([b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf\xef\xbb\xbf"])
    if rng.random() < 0.7:
        return bom + data
    at = _offset(rng, data)
    return data[:at] + bom + data[at:]


@mutator("doc_markers")
def _doc_markers(rng: random.Random, data: bytes) -> bytes:
    at = _offset(rng, data)
    return (
        data[:at]
        + rng.choice([b"\n---\n", b"\n...\n", b"\n--- |\n", b"\n%YAML 1.1\n---\n", b"\n%TAG ! x\n"])
        + data[at:]
    )


@mutator("bytes_flip")
def _bytes_flip(rng: random.Random, data: bytes) -> bytes:
    buf = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        if not buf:
            break
        buf[rng.randrange(len(buf))] = rng.randrange(256)
    return bytes(buf)


def mutate(rng: random.Random, seed: bytes, rounds: int = 1) -> tuple[str, bytes]:
    """Apply ``rounds`` random mutators; the name of the chain identifies the failure kind."""
    names = []
    data = seed
    for _ in range(rounds):
        name = rng.choice(sorted(MUTATORS))
        names.append(name)
        data = MUTATORS[name](rng, data)
    return "+".join(names), data


# ------------------------------------------------------------------ CLI contracts

#: Documented exit codes (README "Exit codes"): 2 is for usage errors only, never for bad input.
DOCUMENTED_EXITS = frozenset({0, 1, 3})

#: Commands fed a mutated file at ``{f}``; diff compares a pristine seed ``{old}`` with it.
COMMANDS: dict[str, tuple[str, ...]] = {
    "convert-check": ("convert", "--check", "{f}"),
    "convert-stdout": ("convert", "{f}"),
    "validate": ("validate", "{f}"),
    "lint": ("lint", "{f}"),
    "diff": ("diff", "{old}", "{f}"),
}


def argv_for(command: str, file: Path, old: Path) -> list[str]:
    return [part.format(f=file, old=old) for part in COMMANDS[command]]


#: Lines that name a file without being a finding: the error boundary and convert's progress lines.
_PROGRESS = ("karpmigrate: error:", "Would rewrite ", "Rewriting ")


def contract_violations(code: int, err: str, file: Path) -> list[str]:
    """What is wrong with one run's exit code and stderr; [] when it keeps the contract.

    Contract (issue 6): a documented exit code; no traceback, no internal error; every stderr line
    that names the file starts with ``file:line:col:`` or ``file:`` (or is the one-line
    ``karpmigrate: error:`` of the error boundary).
    """
    problems = []
    if code not in DOCUMENTED_EXITS:
        problems.append(f"exit {code}")
    if "Traceback" in err:
        problems.append("traceback")
    if "internal error" in err:
        problems.append("internal error")
    name = str(file)
    shape = re.compile(re.escape(name) + r":(\d+:\d+:)?( |$)")
    for line in err.splitlines():
        if name in line and not (shape.match(line) or line.startswith(_PROGRESS)):
            problems.append(f"stderr line shape: {line[:120]!r}")
            break
    return problems


def run_in_process(argv: list[str]) -> tuple[int, str, str, float]:
    """Run the CLI in this process, capturing stdout/stderr without pytest's capsys (also for bench)."""
    from karpmigrate import cli

    out = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors="replace", write_through=True)
    err = io.StringIO()
    saved = sys.stdout, sys.stderr, sys.stdin
    sys.stdout, sys.stderr, sys.stdin = out, err, io.TextIOWrapper(io.BytesIO(b""))
    start = time.perf_counter()
    try:
        code = cli.main(argv)
    finally:
        sys.stdout, sys.stderr, sys.stdin = saved
    elapsed = time.perf_counter() - start
    raw = out.buffer
    assert isinstance(raw, io.BytesIO)
    stdout = raw.getvalue().decode("utf-8", "replace")
    return code, stdout, err.getvalue(), elapsed
