"""Read-only access to live clusters, found the way kubectl finds them (issue 5, design §5).

The one module that imports ``kubernetes``. The package does what kubectl's habits promise: kubeconfig
files, exec credential plugins (``aws eks get-token``), client certificates, in-cluster service
accounts, TLS and proxies. The HTTP is done here, GET only, on that package's urllib3 pool, because:

- responses are decoded with ``json.loads``, never into model classes: 20,000 Pods must stay fast and
  small (issue 6 budget: within 1.5x of ``kubectl get -o json``, 300 MB peak);
- lists are paginated (``limit``/``continue``), retried with backoff on 429/5xx/timeouts, and restarted
  once on 410 Gone (an expired continue token);
- every message is built here from status codes, Status reasons and the server URL, never from the
  library's exception text, and anything a server echoes back is scrubbed of the credentials in use:
  no token, password, key or exec plugin argument reaches output, logs or tracebacks.

Pods and Nodes are streamed one page at a time and not cached (each iteration lists again); everything
else is small and listed once per context. After a 410 the list starts over and objects already yielded
(by uid) are skipped, so a stream never repeats an object; objects created meanwhile are included.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import gzip
import importlib
import json
import logging
import os
import re
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn, TypeVar
from urllib.parse import urlencode, urlsplit, urlunsplit

from karpmigrate import __version__
from karpmigrate.audit._base import SourceError
from karpmigrate.errors import KarpmigrateError, UsageError

IN_CLUSTER = "in-cluster"
#: Where a pod's service account credentials are mounted (tests point this elsewhere).
SERVICE_ACCOUNT_DIR = "/var/run/secrets/kubernetes.io/serviceaccount"
PAGE_SIZE = 500  # kubectl's --chunk-size
#: CRDs and Helm release Secrets are large objects (up to ~1 MB each): smaller pages bound memory.
LARGE_OBJECT_PAGE_SIZE = 50
CONNECT_TIMEOUT = 30.0  # kubectl's dial timeout
READ_TIMEOUT = 60.0
USER_AGENT = f"karpmigrate/{__version__}"
KARPENTER_GROUPS = frozenset({"karpenter.sh", "karpenter.k8s.aws"})
#: Karpenter kind -> (group, plural).
KINDS: dict[str, tuple[str, str]] = {
    "NodePool": ("karpenter.sh", "nodepools"),
    "NodeClaim": ("karpenter.sh", "nodeclaims"),
    "EC2NodeClass": ("karpenter.k8s.aws", "ec2nodeclasses"),
}
HELM_RELEASES = {"labelSelector": "owner=helm,status=deployed", "fieldSelector": "type=helm.sh/release.v1"}
_RETRY_STATUS = frozenset({429, 500, 502, 503, 504})

T = TypeVar("T")


class ClusterUnreachable(KarpmigrateError):
    """A context that cannot be audited at all: no connection, TLS failure, rejected credentials."""

    exit_code = 3

    def __init__(self, context: str, reason: str) -> None:
        super().__init__(f"context {context!r}: {reason}")
        self.context = context
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Retry:
    """Exponential backoff for 429, 5xx, timeouts and dropped connections; Retry-After wins if given."""

    attempts: int = 3
    base: float = 0.2
    cap: float = 5.0

    def delay(self, attempt: int, retry_after: str | None = None) -> float:
        if retry_after and retry_after.strip().isdigit():
            return min(float(retry_after), self.cap)
        return float(min(self.base * 2**attempt, self.cap))


RETRY = Retry()


@dataclass(frozen=True, slots=True)
class Target:
    """One context to audit: its name and API server URL (without credentials)."""

    name: str
    server: str
    #: The kubeconfig files merged to find it (empty for the in-cluster fallback).
    files: tuple[str, ...] = ()
    in_cluster: bool = False
    #: The merged kubeconfig (kubernetes' ConfigNode); holds credentials, so never printed.
    config: Any = field(default=None, repr=False, compare=False, hash=False)


# ---------------------------------------------------------------------- contexts (kubectl's rules)
def resolve_contexts(kubeconfig: str | None, contexts: Sequence[str], all_contexts: bool) -> list[Target]:
    """The contexts to audit: ``--context`` (repeatable), ``--all-contexts``, else the current one.

    Files as kubectl: ``--kubeconfig FILE`` alone, else every existing file of ``KUBECONFIG`` merged
    (the first file to define a name or current-context wins), else ``~/.kube/config``; without any,
    the pod's service account (in-cluster config) when running in a cluster.
    """
    if contexts and all_contexts:
        raise UsageError("--context and --all-contexts cannot be combined")
    files = _kubeconfig_files(kubeconfig)
    config = _merge(files) if files else None
    if config is None:
        if kubeconfig is None and _in_cluster_possible():
            return _pick([IN_CLUSTER], IN_CLUSTER, contexts, all_contexts, lambda _name: _in_cluster_target())
        where = kubeconfig or os.environ.get("KUBECONFIG") or "~/.kube/config"
        raise UsageError(f"no kubeconfig with contexts found ({where}) and not running inside a cluster")
    names = [str(_plain(c).get("name", "")) for c in _entries(config, "contexts")]
    current = str(config.value.get("current-context") or "")
    found = tuple(files)

    def target(name: str) -> Target:
        return Target(name, _server_of(config, name), found, config=config)

    return _pick(names, current, contexts, all_contexts, target)


def _pick(
    names: list[str],
    current: str,
    contexts: Sequence[str],
    all_contexts: bool,
    target: Callable[[str], Target],
) -> list[Target]:
    available = ", ".join(names) or "none"
    if all_contexts:
        chosen = names
    elif contexts:
        chosen = list(dict.fromkeys(contexts))
    elif current:
        chosen = [current]
    else:
        raise UsageError(f"no current context in the kubeconfig; pass --context (available: {available})")
    for name in chosen:
        if name not in names:
            raise UsageError(f"context {name!r} not found in the kubeconfig (available: {available})")
    return [target(name) for name in chosen]


def _kubeconfig_files(explicit: str | None) -> list[str]:
    if explicit:
        path = os.path.expanduser(explicit)
        if not os.path.isfile(path):
            raise UsageError(f"--kubeconfig {explicit}: no such file")
        return [path]
    env = os.environ.get("KUBECONFIG")
    candidates = env.split(os.pathsep) if env else [str(Path.home() / ".kube" / "config")]
    files: list[str] = []
    for candidate in candidates:
        path = os.path.expanduser(candidate)
        if candidate and path not in files and os.path.isfile(path):
            files.append(path)
    return files


def _merge(files: Sequence[str]) -> Any:
    """kubectl's merge: per name the first file wins; current-context from the first file setting it."""
    yaml = _module("yaml")  # PyYAML, as the kubernetes package reads kubeconfigs with it
    ConfigException = _module("kubernetes.config.config_exception").ConfigException  # noqa: N806
    merger = _module("kubernetes.config.kube_config").KubeConfigMerger("")
    current = ""
    for path in files:
        try:
            document = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
        except OSError as error:
            raise UsageError(f"{path}: cannot read kubeconfig ({error.strerror})") from None
        except (yaml.YAMLError, UnicodeDecodeError) as error:
            # Only the position: a YAML snippet could show a token.
            mark = getattr(error, "problem_mark", None)
            where = f" at line {mark.line + 1}" if mark is not None else ""
            raise UsageError(f"{path}: not a valid kubeconfig (YAML error{where})") from None
        if not document:
            continue  # kubectl skips empty files
        if not isinstance(document, dict):
            raise UsageError(f"{path}: not a valid kubeconfig (expected a mapping)")
        try:
            merger.load_config(path)
        except (ConfigException, KeyError, TypeError, AttributeError):
            raise UsageError(
                f"{path}: not a valid kubeconfig (clusters, users and contexts need names)"
            ) from None
        current = current or str(document.get("current-context") or "")
    if merger.config is None:
        return None
    merger.config.value["current-context"] = current
    return merger.config


def _plain(node: Any) -> Mapping[str, Any]:
    value = getattr(node, "value", node)
    return value if isinstance(value, Mapping) else {}


def _entries(config: Any, key: str) -> list[Any]:
    return list(config.value.get(key) or [])


def _server_of(config: Any, context: str) -> str:
    entry = next((_plain(c) for c in _entries(config, "contexts") if _plain(c).get("name") == context), {})
    cluster_name = (entry.get("context") or {}).get("cluster")
    cluster = next(
        (_plain(c) for c in _entries(config, "clusters") if _plain(c).get("name") == cluster_name), {}
    )
    return public_url(str((cluster.get("cluster") or {}).get("server") or ""))


def public_url(url: str) -> str:
    """The URL without user:password@, query or fragment."""
    parts = urlsplit(url)
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit((parts.scheme, host, parts.path, "", ""))


def _in_cluster_possible() -> bool:
    return bool(
        os.environ.get("KUBERNETES_SERVICE_HOST")
        and os.environ.get("KUBERNETES_SERVICE_PORT")
        and os.path.isfile(os.path.join(SERVICE_ACCOUNT_DIR, "token"))
    )


def _in_cluster_target() -> Target:
    host, port = os.environ["KUBERNETES_SERVICE_HOST"], os.environ["KUBERNETES_SERVICE_PORT"]
    host = f"[{host}]" if ":" in host else host
    return Target(IN_CLUSTER, f"https://{host}:{port}", in_cluster=True)


def _module(name: str) -> Any:
    """Parts of the kubernetes package without type hints, imported when first needed."""
    return importlib.import_module(name)


# ---------------------------------------------------------------------- connecting
def connect(target: Target, request_timeout: float | None = None, *, retry: Retry = RETRY) -> LiveCluster:
    """One API client for the context; asks ``/version`` to prove the server answers and accepts the
    credentials (raises :class:`ClusterUnreachable` otherwise)."""
    from kubernetes import client

    configuration = type.__call__(client.Configuration)  # a fresh one, not a copy of the global default
    _load_credentials(target, configuration)
    cluster = LiveCluster(target, client.ApiClient(configuration), request_timeout, retry)
    try:
        cluster.probe()
    except ClusterUnreachable:
        cluster.close()
        raise
    return cluster


def _load_credentials(target: Target, configuration: Any) -> None:
    ConfigException = _module("kubernetes.config.config_exception").ConfigException  # noqa: N806
    with _captured_logs() as records:
        try:
            if target.in_cluster:
                directory = Path(SERVICE_ACCOUNT_DIR)
                in_cluster = _module("kubernetes.config.incluster_config")
                loader = in_cluster.InClusterConfigLoader(str(directory / "token"), str(directory / "ca.crt"))
            else:
                loader = _module("kubernetes.config.kube_config").KubeConfigLoader(
                    config_dict=target.config, active_context=target.name, config_base_path=None
                )
            loader.load_and_set(configuration)
        except (ConfigException, OSError, ValueError, KeyError, TypeError) as error:
            secrets = _secrets_of(configuration)
            reason = _one_line(_redact(str(error), secrets)) or type(error).__name__
            raise ClusterUnreachable(
                target.name, f"cannot load its kubeconfig entry or credentials: {reason}"
            ) from None
    got_credential = configuration.api_key or configuration.cert_file
    if records and _context_user(target).get("exec") and not got_credential:
        # The library logs a failing exec plugin (with its stderr) instead of raising: we say it ourselves.
        raise ClusterUnreachable(target.name, _plugin_failure(target, records))


def _plugin_failure(target: Target, records: Sequence[logging.LogRecord]) -> str:
    user = _context_user(target)
    command = os.path.basename(str((user.get("exec") or {}).get("command") or "")) or "?"
    text = " ".join(str(r.msg) for r in records)
    status = re.search(r"process returned (\d+)", text)
    if status:
        return f"exec credential plugin {command!r} failed (exit status {status.group(1)})"
    if "No such file" in text:
        return f"exec credential plugin {command!r} not found"
    return f"exec credential plugin {command!r} did not return a credential"


def _context_user(target: Target) -> Mapping[str, Any]:
    if target.config is None:
        return {}
    entry = next(
        (_plain(c) for c in _entries(target.config, "contexts") if _plain(c).get("name") == target.name), {}
    )
    user_name = (entry.get("context") or {}).get("user")
    user = next(
        (_plain(u) for u in _entries(target.config, "users") if _plain(u).get("name") == user_name), {}
    )
    return user.get("user") or {}


@contextlib.contextmanager
def _captured_logs() -> Iterator[list[logging.LogRecord]]:
    """Swallow what the kubernetes package logs on the root logger (an exec plugin's stderr may hold a
    secret) and hand the records to the caller instead."""
    records: list[logging.LogRecord] = []

    class Capture(logging.Filter):
        def filter(self, record: logging.LogRecord) -> bool:
            records.append(record)
            return False

    capture = Capture()
    root = logging.getLogger()
    root.addFilter(capture)
    try:
        yield records
    finally:
        root.removeFilter(capture)


def _secrets_of(configuration: Any) -> set[str]:
    """Credential strings that must never be echoed: the Authorization value and its token."""
    secrets: set[str] = set()
    for value in (getattr(configuration, "api_key", None) or {}).values():
        secrets.add(str(value))
        secrets.add(str(value).partition(" ")[2])
    password = getattr(configuration, "password", None)
    if password:
        secrets.add(str(password))
    return {s for s in secrets if len(s) >= 6}


def _redact(text: str, secrets: Iterable[str]) -> str:
    for secret in sorted(secrets, key=len, reverse=True):
        text = text.replace(secret, "***")
    return text


def _one_line(text: str, limit: int = 240) -> str:
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 3] + "..."


# ---------------------------------------------------------------------- internal outcomes of one attempt
class _Retryable(Exception):
    def __init__(self, kind: str, detail: str, retry_after: str | None = None) -> None:
        super().__init__(detail)
        self.kind = kind  # "status", "timeout" or "connection"
        self.detail = detail
        self.retry_after = retry_after


class _Final(Exception):
    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason
        self.detail = detail


class _Expired(Exception):
    """410 Gone: the continue token is too old."""


class _Exhausted(SourceError):
    """Retries used up; ``kind`` says whether the server answered (status) or not (timeout/connection)."""

    def __init__(self, resource: str, detail: str, kind: str) -> None:
        super().__init__(resource, "failed", detail)
        self.kind = kind


# ---------------------------------------------------------------------- the view
class LiveCluster:
    """:class:`~karpmigrate.audit._base.ClusterView` of one context, read with GET requests only."""

    def __init__(
        self, target: Target, api_client: Any, request_timeout: float | None, retry: Retry = RETRY
    ) -> None:
        import urllib3

        self.context = target.name
        configuration = api_client.configuration
        self.server = target.server or public_url(str(configuration.host))
        self._api = api_client
        self._configuration = configuration
        self._base = str(configuration.host).rstrip("/")
        self._connect_timeout = request_timeout or CONNECT_TIMEOUT
        self._read_timeout = request_timeout or READ_TIMEOUT
        self._timeout = urllib3.Timeout(connect=self._connect_timeout, read=self._read_timeout)
        self._retry = retry
        self._cache: dict[Any, Any] = {}

    def __repr__(self) -> str:
        return f"LiveCluster(context={self.context!r}, server={self.server!r})"

    def close(self) -> None:
        self._api.close()

    def __enter__(self) -> LiveCluster:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ ClusterView
    def probe(self) -> None:
        """GET /version: unreachable servers and rejected credentials end here, before any check."""
        try:
            self._cache["version"] = self.get("/version")
        except _Exhausted as error:
            if error.kind != "status":
                raise ClusterUnreachable(
                    self.context, f"{self.server} did not answer: {error.detail}"
                ) from None
            self._cache["version"] = error
        except SourceError as error:
            self._cache["version"] = error

    def version(self) -> Mapping[str, Any]:
        return self._cached("version", lambda: self.get("/version"))

    def crds(self) -> list[Mapping[str, Any]]:
        def load() -> list[Mapping[str, Any]]:
            path = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions"
            items = self.list(path, limit=LARGE_OBJECT_PAGE_SIZE)
            return [crd for crd in items if (crd.get("spec") or {}).get("group") in KARPENTER_GROUPS]

        return self._cached("crds", load)

    def karpenter(self, kind: str, version: str) -> list[Mapping[str, Any]]:
        if kind not in KINDS:
            raise ValueError(f"not a Karpenter kind: {kind!r} (one of {', '.join(KINDS)})")
        group, plural = KINDS[kind]
        return self._cached(
            ("karpenter", kind, version), lambda: [*self.list(f"/apis/{group}/{version}/{plural}")]
        )

    def deployments(self) -> list[Mapping[str, Any]]:
        return self._cached("deployments", lambda: [*self.list("/apis/apps/v1/deployments")])

    def pods(self) -> Iterable[Mapping[str, Any]]:
        return _Stream(self, "/api/v1/pods")

    def nodes(self) -> Iterable[Mapping[str, Any]]:
        return _Stream(self, "/api/v1/nodes")

    def helm_releases(self) -> list[Mapping[str, Any]]:
        """The deployed revision of every Helm release (Secret storage driver), decoded."""

        def load() -> list[Mapping[str, Any]]:
            secrets = self.list("/api/v1/secrets", limit=LARGE_OBJECT_PAGE_SIZE, params=HELM_RELEASES)
            return [release for s in secrets if (release := decode_helm_release(s)) is not None]

        return self._cached("helm", load)

    def _cached(self, key: Any, load: Callable[[], T]) -> T:
        """Each source is read once per context; a SourceError is remembered too (one 403, not ten)."""
        if key not in self._cache:
            try:
                self._cache[key] = load()
            except SourceError as error:
                self._cache[key] = error
        value = self._cache[key]
        if isinstance(value, SourceError):
            raise value
        result: T = value
        return result

    # ------------------------------------------------------------------ generic reads
    def get(self, path: str) -> dict[str, Any]:
        resource = resource_name(path)
        try:
            data = self._fetch(path, {}, resource)
        except _Expired:
            raise SourceError(resource, "failed", "HTTP 410 Gone") from None
        return data

    def list(
        self, path: str, *, limit: int = PAGE_SIZE, params: Mapping[str, str] | None = None
    ) -> Iterator[dict[str, Any]]:
        """Every item of a list, one page in memory at a time; restarts once on 410 Gone without
        yielding any object twice."""
        resource = resource_name(path)
        seen: set[str] = set()
        restarted = False
        token = ""
        while True:
            query = dict(params or {})
            if limit > 0:
                query["limit"] = str(limit)
            if token:
                query["continue"] = token
            try:
                page = self._fetch(path, query, resource)
            except _Expired:
                if restarted:
                    raise SourceError(resource, "failed", "the list expired twice (410 Gone)") from None
                restarted, token = True, ""
                continue
            for item in page.get("items") or ():
                key = _identity(item)
                if key not in seen:
                    seen.add(key)
                    yield item
            token = str((page.get("metadata") or {}).get("continue") or "")
            if not token:
                return

    # ------------------------------------------------------------------ HTTP
    def _fetch(self, path: str, query: Mapping[str, str], resource: str) -> dict[str, Any]:
        url = self._base + path + (f"?{urlencode(query)}" if query else "")
        last: _Retryable | None = None
        for attempt in range(self._retry.attempts):
            if last is not None:
                time.sleep(self._retry.delay(attempt - 1, last.retry_after))
            try:
                return self._attempt(url)
            except _Retryable as error:
                last = error
            except _Final as error:
                raise SourceError(resource, error.reason, error.detail) from None
        assert last is not None
        detail = f"{last.detail} (after {self._retry.attempts} attempts)"
        raise _Exhausted(resource, detail, last.kind) from None

    def _attempt(self, url: str) -> dict[str, Any]:
        from urllib3 import exceptions as u3

        try:
            response = self._api.rest_client.pool_manager.request(
                "GET",
                url,
                headers=self._headers(),
                timeout=self._timeout,
                retries=False,
                redirect=False,
                preload_content=False,
            )
            try:
                body = response.read()
            finally:
                response.release_conn()
        except u3.ReadTimeoutError:
            raise _Retryable("timeout", f"no answer within {self._read_timeout:g}s") from None
        except u3.SSLError as error:
            self._unreachable(f"TLS handshake with {self.server} failed: {_tls_reason(error)}")
        except u3.NewConnectionError as error:
            self._unreachable(f"cannot connect to {self.server}: {_os_reason(error)}")
        except u3.ConnectTimeoutError:
            self._unreachable(f"cannot connect to {self.server}: no answer within {self._connect_timeout:g}s")
        except u3.LocationValueError:
            self._unreachable(f"invalid server URL {self.server!r}")
        except u3.ProxyError:
            self._unreachable(f"cannot reach {self.server} through the proxy")
        except (u3.ProtocolError, u3.DecodeError, u3.HTTPError):
            raise _Retryable("connection", "the connection was lost") from None
        if 200 <= response.status < 300:
            return self._decode(body)
        raise self._status_error(response.status, body, response.headers.get("Retry-After"))

    def _unreachable(self, reason: str) -> NoReturn:
        raise ClusterUnreachable(self.context, reason) from None

    def _headers(self) -> dict[str, str]:
        headers = {"Accept": "application/json", "Accept-Encoding": "gzip", "User-Agent": USER_AGENT}
        with _captured_logs():  # a token refresh may run the exec plugin again
            auth = self._configuration.auth_settings().get("BearerToken")
        if auth and auth.get("value"):
            headers["Authorization"] = str(auth["value"])
        return headers

    def _decode(self, body: bytes) -> dict[str, Any]:
        try:
            data = json.loads(body)
        except ValueError:
            raise _Final("failed", "the API server did not answer with JSON") from None
        if not isinstance(data, dict):
            raise _Final("failed", "the API server did not answer with a JSON object")
        return data

    def _status_error(self, status: int, body: bytes, retry_after: str | None) -> Exception:
        reason, message = self._status_text(status, body)
        if status == 401:
            return ClusterUnreachable(
                self.context, f"{self.server} rejected the credentials (HTTP 401 {reason})"
            )
        if status == 410:
            return _Expired()
        summary = f"HTTP {status} {reason}" + (f": {message}" if message else "")
        if status in _RETRY_STATUS:
            return _Retryable("status", summary, retry_after)
        return _Final(_REASONS.get(status, "failed"), summary)

    def _status_text(self, status: int, body: bytes) -> tuple[str, str]:
        """(reason, message) of a Status body, one line, with any credential in use scrubbed."""
        try:
            data = json.loads(body)
        except ValueError:
            data = None
        if not isinstance(data, dict):
            data = {}
        secrets = _secrets_of(self._configuration)
        reason = _one_line(_redact(str(data.get("reason") or _HTTP_REASONS.get(status, "")), secrets), 40)
        message = _one_line(_redact(str(data.get("message") or ""), secrets))
        return reason, message


_REASONS = {403: "forbidden", 404: "not-found"}
_HTTP_REASONS = {401: "Unauthorized", 403: "Forbidden", 404: "NotFound", 410: "Gone", 429: "TooManyRequests"}


class _Stream:
    """A re-iterable list: every iteration lists again, one page in memory at a time."""

    def __init__(self, cluster: LiveCluster, path: str) -> None:
        self._cluster = cluster
        self._path = path

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return self._cluster.list(self._path)


def _identity(item: Mapping[str, Any]) -> str:
    meta = item.get("metadata") or {}
    return str(meta.get("uid") or f"{meta.get('namespace', '')}/{meta.get('name', '')}")


def resource_name(path: str) -> str:
    """kubectl's name for what a path reads: ``pods``, ``nodepools.v1.karpenter.sh``, ``version``."""
    parts = [p for p in path.split("?", 1)[0].split("/") if p]
    if parts[:1] == ["api"] and len(parts) >= 3:
        rest, suffix = parts[2:], ""
    elif parts[:1] == ["apis"] and len(parts) >= 4:
        rest, suffix = parts[3:], f".{parts[2]}.{parts[1]}"
    else:
        return "/".join(parts) or "/"
    if rest[:1] == ["namespaces"] and len(rest) >= 3:
        rest = rest[2:]
    return rest[0] + suffix


def _tls_reason(error: Exception) -> str:
    cause: BaseException | None = error
    while cause is not None:
        verify = getattr(cause, "verify_message", None)
        if verify:
            return f"certificate verify failed ({verify})"
        reason = getattr(cause, "reason", None)
        if isinstance(reason, str) and reason:
            return reason.lower().replace("_", " ")
        cause = cause.__cause__ or cause.__context__
    return "TLS error"


def _os_reason(error: Exception) -> str:
    cause: BaseException | None = error
    while cause is not None:
        if isinstance(cause, OSError) and cause.strerror:
            return cause.strerror.lower()
        cause = cause.__cause__ or cause.__context__
    return "connection failed"


# ---------------------------------------------------------------------- Helm
_GZIP_MAGIC = b"\x1f\x8b\x08"


def decode_helm_release(secret: Mapping[str, Any]) -> dict[str, Any] | None:
    """Helm 3 stores a release as base64(gzip(JSON)) (older: base64(JSON)) inside the Secret's own
    base64 ``data.release``. None for a Secret that does not hold one."""
    encoded = (secret.get("data") or {}).get("release")
    if not isinstance(encoded, str):
        return None
    try:
        raw = base64.b64decode(base64.b64decode(encoded, validate=True), validate=True)
        if raw.startswith(_GZIP_MAGIC):
            raw = gzip.decompress(raw)
        release = json.loads(raw)
    except (binascii.Error, OSError, EOFError, ValueError):
        return None
    return release if isinstance(release, dict) else None
