"""The objects of a fake Kubernetes cluster and the list semantics of the API server (no HTTP here).

Objects are kept as their JSON encoding, made once when they are added, so a list of 20,000 Pods is a
join of bytes (the server must keep up with ``kubectl`` in the issue 6 comparison). What the API server
does and this store copies:

- kinds are served per group/version; a CustomResourceDefinition serves only its ``served`` versions,
  and one version's objects are readable in another served version (the conversion webhook's job, here
  just a new ``apiVersion``) unless the scenario stored that version's view explicitly;
- list items of built-in kinds carry no ``kind``/``apiVersion`` (custom resources do), a single GET does;
- lists are ordered by namespace/name (etcd key order) and paginated with ``limit``/``continue``; the
  continue token is opaque base64 JSON, as kube-apiserver's;
- ``labelSelector`` (``=``, ``==``, ``!=``, ``key``, ``!key``, ``in``/``notin``) and ``fieldSelector``
  (``metadata.name``, ``metadata.namespace``, plus ``type`` for Secrets, ``spec.nodeName``/``status.phase``
  for Pods).
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

VERBS = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"]


@dataclass(frozen=True, slots=True)
class Resource:
    group: str  # "" for the core group
    version: str
    plural: str
    kind: str
    namespaced: bool
    singular: str
    short_names: tuple[str, ...] = ()
    #: Custom resources keep kind/apiVersion on list items; built-in kinds do not.
    typed_items: bool = False
    #: fieldSelector labels beyond metadata.name / metadata.namespace.
    field_labels: tuple[str, ...] = ()

    @property
    def api_version(self) -> str:
        return f"{self.group}/{self.version}" if self.group else self.version

    def discovery(self) -> dict[str, Any]:
        """One entry of an APIResourceList."""
        entry: dict[str, Any] = {
            "name": self.plural,
            "singularName": self.singular,
            "namespaced": self.namespaced,
            "kind": self.kind,
            "verbs": VERBS,
        }
        if self.short_names:
            entry["shortNames"] = list(self.short_names)
        return entry


BUILTIN: tuple[Resource, ...] = (
    Resource("", "v1", "pods", "Pod", True, "pod", ("po",), field_labels=("spec.nodeName", "status.phase")),
    Resource("", "v1", "nodes", "Node", False, "node", ("no",)),
    Resource("", "v1", "secrets", "Secret", True, "secret", field_labels=("type",)),
    Resource("apps", "v1", "deployments", "Deployment", True, "deployment", ("deploy",)),
    Resource(
        "apiextensions.k8s.io",
        "v1",
        "customresourcedefinitions",
        "CustomResourceDefinition",
        False,
        "customresourcedefinition",
        ("crd", "crds"),
    ),
)
CRD = BUILTIN[-1]


@dataclass(slots=True)
class Stored:
    """One object: its JSON without ``apiVersion``/``kind`` (``body``), and what selectors look at."""

    namespace: str
    name: str
    body: bytes
    labels: Mapping[str, str] = field(default_factory=dict)
    fields: Mapping[str, str] | None = None

    def item(self, resource: Resource, typed: bool) -> bytes:
        if not typed:
            return self.body
        head = b'{"apiVersion":%s,"kind":%s' % (
            json.dumps(resource.api_version).encode(),
            json.dumps(resource.kind).encode(),
        )
        return head + (b"}" if self.body == b"{}" else b"," + self.body[1:])

    def decode(self, resource: Resource) -> dict[str, Any]:
        obj: dict[str, Any] = json.loads(self.item(resource, True))
        return obj


def encode(obj: Mapping[str, Any]) -> Stored:
    """Store a plain object (its ``apiVersion``/``kind`` are implied by where it is stored)."""
    meta = obj.get("metadata") or {}
    body = {k: v for k, v in obj.items() if k not in ("apiVersion", "kind")}
    return Stored(
        namespace=str(meta.get("namespace") or ""),
        name=str(meta.get("name") or ""),
        body=json.dumps(body, separators=(",", ":")).encode(),
        labels=dict(meta.get("labels") or {}),
    )


class BadRequest(ValueError):
    """A malformed selector or continue token: the server answers 400."""


class Cluster:
    """Everything a scenario puts in the fake cluster, keyed by (group, version, plural)."""

    def __init__(self, *, git_version: str = "v1.30.4-eks-a737599") -> None:
        major, minor = re.match(r"v(\d+)\.(\d+)", git_version).groups()  # type: ignore[union-attr]
        self.version_info: dict[str, Any] = {
            "major": major,
            "minor": minor,
            "gitVersion": git_version,
            "gitCommit": "0" * 40,
            "gitTreeState": "clean",
            "buildDate": "2024-08-01T00:00:00Z",
            "goVersion": "go1.22.5",
            "compiler": "gc",
            "platform": "linux/amd64",
        }
        #: Bearer token -> user name; a request without one of these tokens gets 401.
        self.tokens: dict[str, str] = {}
        self.revision = 1000
        self._objects: dict[tuple[str, str, str], list[Stored]] = {}
        self._sorted: set[tuple[str, str, str]] = set()
        self._crd_cache: list[Resource] | None = None

    # ------------------------------------------------------------------ writing (scenario builders)
    def add(self, *objects: Mapping[str, Any]) -> None:
        for obj in objects:
            group, _, version = str(obj["apiVersion"]).rpartition("/")
            resource = self.resource_for_kind(group, version, str(obj["kind"]))
            self.add_stored(resource, encode(obj))
            if resource == CRD:
                self._crd_cache = None

    def add_stored(self, resource: Resource, stored: Stored) -> None:
        key = (resource.group, resource.version, resource.plural)
        self._objects.setdefault(key, []).append(stored)
        self._sorted.discard(key)
        self.revision += 1

    def resource_for_kind(self, group: str, version: str, kind: str) -> Resource:
        for resource in self._all_kinds():
            if (resource.group, resource.version, resource.kind) == (group, version, kind):
                return resource
        raise KeyError(f"{group}/{version} {kind}: no such kind (add its CRD first)")

    # ------------------------------------------------------------------ discovery
    def crds(self) -> list[dict[str, Any]]:
        return [s.decode(CRD) for s in self._objects.get((CRD.group, CRD.version, CRD.plural), [])]

    def _custom(self) -> list[Resource]:
        """Every version of every CRD (served or not); discovery filters on served."""
        if self._crd_cache is None:
            found = []
            for crd in self.crds():
                spec, names = crd["spec"], crd["spec"]["names"]
                for version in spec["versions"]:
                    found.append(
                        Resource(
                            spec["group"],
                            version["name"],
                            names["plural"],
                            names["kind"],
                            spec.get("scope") == "Namespaced",
                            names.get("singular", names["kind"].lower()),
                            tuple(names.get("shortNames", ())),
                            typed_items=True,
                        )
                    )
            self._crd_cache = found
        return self._crd_cache

    def _all_kinds(self) -> list[Resource]:
        return [*BUILTIN, *self._custom()]

    def served_resources(self) -> list[Resource]:
        served = {
            (crd["spec"]["group"], v["name"], crd["spec"]["names"]["plural"])
            for crd in self.crds()
            for v in crd["spec"]["versions"]
            if v.get("served")
        }
        return [*BUILTIN, *(r for r in self._custom() if (r.group, r.version, r.plural) in served)]

    def group_versions(self) -> dict[str, list[str]]:
        """Served group -> versions, most preferred first (kube's version priority: v1 > v1beta1)."""
        groups: dict[str, list[str]] = {}
        for resource in self.served_resources():
            versions = groups.setdefault(resource.group, [])
            if resource.version not in versions:
                versions.append(resource.version)
        return {g: sorted(v, key=version_priority) for g, v in groups.items()}

    def resource(self, group: str, version: str, plural: str) -> Resource | None:
        for resource in self.served_resources():
            if (resource.group, resource.version, resource.plural) == (group, version, plural):
                return resource
        return None

    # ------------------------------------------------------------------ reading
    def stored(self, resource: Resource) -> list[Stored]:
        """The objects of ``resource`` in namespace/name order; another version's objects if this
        version holds none of its own (the conversion webhook's view, with a new apiVersion)."""
        key = (resource.group, resource.version, resource.plural)
        if key not in self._objects:
            for (group, _, plural), items in list(self._objects.items()):
                if (group, plural) == (resource.group, resource.plural) and items:
                    return sorted(items, key=lambda s: (s.namespace, s.name))
            return []
        if key not in self._sorted:
            self._objects[key].sort(key=lambda s: (s.namespace, s.name))
            self._sorted.add(key)
        return self._objects[key]

    def objects(
        self, plural: str, version: str | None = None, group: str | None = None
    ) -> list[dict[str, Any]]:
        """Decoded objects, for assertions in tests."""
        for resource in self.served_resources():
            if (
                resource.plural == plural
                and version in (None, resource.version)
                and group in (None, resource.group)
            ):
                return [s.decode(resource) for s in self.stored(resource)]
        raise KeyError(plural)

    def select(
        self,
        resource: Resource,
        *,
        namespace: str | None = None,
        label_selector: str = "",
        field_selector: str = "",
    ) -> list[Stored]:
        items = self.stored(resource)
        tests = [*parse_labels(label_selector), *parse_fields(field_selector, resource)]
        if namespace is None and not tests:
            return items
        return [
            s
            for s in items
            if (namespace is None or s.namespace == namespace) and all(t(s, resource) for t in tests)
        ]


# ---------------------------------------------------------------------- pagination
def encode_continue(revision: int, start: int) -> str:
    token = json.dumps({"v": "meta.k8s.io/v1", "rv": revision, "start": start}, separators=(",", ":"))
    return base64.urlsafe_b64encode(token.encode()).decode()


def decode_continue(token: str) -> tuple[int, int]:
    try:
        data = json.loads(base64.urlsafe_b64decode(token.encode()))
        return int(data["rv"]), int(data["start"])
    except (ValueError, KeyError, TypeError) as error:
        raise BadRequest(f"invalid continue token: {error}") from error


def page(items: list[Stored], revision: int, limit: int, token: str) -> tuple[list[Stored], str, int]:
    """(items of this page, next continue token or "", remainingItemCount)."""
    start = decode_continue(token)[1] if token else 0
    if limit <= 0:
        return items[start:], "", 0
    end = start + limit
    if end >= len(items):
        return items[start:], "", 0
    return items[start:end], encode_continue(revision, end), len(items) - end


# ---------------------------------------------------------------------- selectors
Test = Callable[[Stored, Resource], bool]
_SET = re.compile(r"^\s*([^\s!=]+)\s+(in|notin)\s+\(([^)]*)\)\s*$")


def _terms(selector: str) -> Iterable[str]:
    """Split on commas outside parentheses (``a in (x,y),b=c``)."""
    depth, current = 0, ""
    for char in selector:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == "," and depth == 0:
            yield current
            current = ""
        else:
            current += char
    if current.strip():
        yield current


def parse_labels(selector: str) -> list[Test]:
    tests: list[Test] = []
    for term in _terms(selector):
        tests.append(_label_test(term.strip()))
    return tests


def _label_test(term: str) -> Test:
    match = _SET.match(term)
    if match:
        key, op, raw = match.groups()
        values = {v.strip() for v in raw.split(",")}
        if op == "in":
            return lambda s, _r: s.labels.get(key) in values
        return lambda s, _r: s.labels.get(key) not in values
    for op in ("!=", "==", "="):
        if op in term:
            key, value = (p.strip() for p in term.split(op, 1))
            if op == "!=":
                return lambda s, _r: s.labels.get(key) != value
            return lambda s, _r: s.labels.get(key) == value
    if term.startswith("!"):
        return lambda s, _r: term[1:] not in s.labels
    if not re.fullmatch(r"[A-Za-z0-9./_-]+", term):
        raise BadRequest(f"unable to parse requirement: {term!r}")
    return lambda s, _r: term in s.labels


def parse_fields(selector: str, resource: Resource) -> list[Test]:
    tests: list[Test] = []
    for term in _terms(selector):
        negate = "!=" in term
        key, value = (p.strip() for p in re.split(r"!=|==|=", term, maxsplit=1))
        if key not in ("metadata.name", "metadata.namespace", *resource.field_labels):
            raise BadRequest(f'field label not supported: {key}"')

        def test(s: Stored, r: Resource, key: str = key, value: str = value, negate: bool = negate) -> bool:
            return (field_value(s, r, key) == value) != negate

        tests.append(test)
    return tests


def field_value(stored: Stored, resource: Resource, key: str) -> str:
    if key == "metadata.name":
        return stored.name
    if key == "metadata.namespace":
        return stored.namespace
    if stored.fields is None:
        obj = stored.decode(resource)
        stored.fields = {
            "type": str(obj.get("type", "")),
            "spec.nodeName": str((obj.get("spec") or {}).get("nodeName", "")),
            "status.phase": str((obj.get("status") or {}).get("phase", "")),
        }
    return stored.fields.get(key, "")


def version_priority(version: str) -> tuple[int, int, int, str]:
    """Kubernetes version ordering: GA before beta before alpha, higher numbers first."""
    match = re.fullmatch(r"v(\d+)(?:(alpha|beta)(\d+))?", version)
    if not match:
        return (3, 0, 0, version)
    major, stage, minor = match.groups()
    rank = {None: 0, "beta": 1, "alpha": 2}[stage]
    return (rank, -int(major), -int(minor or 0), version)
