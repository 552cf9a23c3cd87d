"""A Kubernetes API server for the audit tests: HTTP(S) on 127.0.0.1, the API's wire format, faults.

Good enough for the real ``kubernetes`` client and for ``kubectl get`` (legacy discovery: aggregated
discovery and OpenAPI are not offered, so both clients fall back to ``/api``, ``/apis`` and
``/apis/<group>/<version>``). Every request is recorded so tests can assert that only GET was used and
what headers were sent. kubectl sends no bearer token to a plain-http server: use ``tls=True`` for it. Faults are set per path prefix: an error status (N times or forever), a delay,
a 410 on continued lists only; ``stop()`` turns the port into "connection refused".

Run standalone for benchmarks (issue 6)::

    python tests/audit/k8s_server.py large --kubeconfig /tmp/kubeconfig [--tls]
"""

from __future__ import annotations

import argparse
import atexit
import base64
import contextlib
import gzip
import json
import re
import shutil
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from k8s_scenarios import (
    TOKEN,
    clean_cluster,
    large_cluster,
    mid_migration,
    no_karpenter,
)
from k8s_store import BadRequest, Cluster, Resource, page

__all__ = [
    "TOKEN",
    "ApiServer",
    "Cluster",
    "Fault",
    "Recorded",
    "clean_cluster",
    "exec_user",
    "large_cluster",
    "mid_migration",
    "no_karpenter",
    "tls_material",
    "write_kubeconfig",
]

REASONS = {
    400: "BadRequest",
    401: "Unauthorized",
    403: "Forbidden",
    404: "NotFound",
    405: "MethodNotAllowed",
    410: "Expired",
    429: "TooManyRequests",
    500: "InternalError",
    503: "ServiceUnavailable",
    504: "Timeout",
}
#: kube-apiserver compresses responses above 128 KiB when the client accepts gzip.
GZIP_ABOVE = 128 * 1024


@dataclass(slots=True)
class Recorded:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]


@dataclass(slots=True)
class Fault:
    """Answer requests under ``prefix`` with ``status`` (after ``delay`` seconds), ``times`` times."""

    prefix: str
    status: int | None = None
    times: int | None = None  # None: every request
    delay: float = 0.0
    #: Only requests that carry a continue token (the 410 of an expired list).
    on_continue: bool = False
    retry_after: int | None = None
    #: The Status message instead of the usual one (e.g. a proxy that echoes request headers).
    message: str | None = None
    hits: int = 0

    def matches(self, path: str, query: Mapping[str, str]) -> bool:
        if self.times is not None and self.hits >= self.times:
            return False
        return path.startswith(self.prefix) and (not self.on_continue or bool(query.get("continue")))


def status_body(code: int, message: str, details: Mapping[str, Any] | None = None) -> bytes:
    status: dict[str, Any] = {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "message": message,
        "reason": REASONS.get(code, "Unknown"),
        "code": code,
    }
    if details:
        status["details"] = dict(details)
    return json.dumps(status).encode()


_MESSAGES: dict[int, str] = {
    401: "Unauthorized",
    404: "the server could not find the requested resource",
    410: (
        "The provided continue parameter is too old to display a consistent list result. You can start a new "
        "list without the continue parameter, or use the continue token in this response to retrieve the "
        "remainder of the results. Continuing with the provided token results in an inconsistent list - "
        "objects that were created, modified, or deleted between the time the first chunk was returned and "
        "now may show up in the list."
    ),
    429: "Too many requests, please try again later.",
    500: "Internal error occurred: etcdserver: request timed out",
    503: "the server is currently unable to handle the request",
    504: "Timeout: request did not complete within requested timeout",
}


@dataclass(slots=True)
class Response:
    code: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)


def _error(code: int, message: str | None = None, **details: Any) -> Response:
    return Response(code, status_body(code, message or _MESSAGES.get(code, REASONS.get(code, "")), details))


# ---------------------------------------------------------------------- routes
Route = Callable[["ApiServer", dict[str, str], dict[str, str], str], Response]
_OBJECTS = r"(?:/namespaces/(?P<ns>[^/]+))?/(?P<plural>[^/]+)(?:/(?P<name>[^/]+))?/?$"
_ROUTES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^/version/?$"), "version"),
    (re.compile(r"^/api/?$"), "core_versions"),
    (re.compile(r"^/apis/?$"), "groups"),
    (re.compile(r"^/api/(?P<version>[^/]+)/?$"), "core_resources"),
    (re.compile(r"^/apis/(?P<group>[^/]+)/?$"), "group"),
    (re.compile(r"^/apis/(?P<group>[^/]+)/(?P<version>[^/]+)/?$"), "resources"),
    (re.compile(r"^/api/(?P<version>[^/]+)" + _OBJECTS), "objects"),
    (re.compile(r"^/apis/(?P<group>[^/]+)/(?P<version>[^/]+)" + _OBJECTS), "objects"),
]


class ApiServer:
    """The server for one :class:`Cluster`; a context manager (starts, then stops)."""

    def __init__(self, cluster: Cluster, *, tls: bool = False, gzip: bool = True, port: int = 0) -> None:
        self.cluster = cluster
        self.tls = tls
        self.gzip = gzip
        self.requests: list[Recorded] = []
        self.faults: list[Fault] = []
        self._lock = threading.Lock()
        self._httpd = _HTTPServer(("127.0.0.1", port), _Handler)
        self._httpd.api = self
        if tls:
            cert, key, _ = tls_material()
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(cert, key)
            self._httpd.ssl_context = context
        self._thread: threading.Thread | None = None
        self.port = self._httpd.server_address[1]
        self.url = f"{'https' if tls else 'http'}://127.0.0.1:{self.port}"

    # ------------------------------------------------------------------ lifecycle
    def start(self) -> ApiServer:
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.02},  # shutdown() waits up to one poll interval
            name="k8s-test-apiserver",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Close the port and every open connection: the next request is refused."""
        if self._thread is not None:
            self._httpd.shutdown()
            self._thread = None
        self._httpd.server_close()
        self._httpd.drop_connections()

    def __enter__(self) -> ApiServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def ca_data(self) -> str | None:
        """base64 PEM of the server certificate, for ``certificate-authority-data``."""
        return tls_material()[2] if self.tls else None

    # ------------------------------------------------------------------ test controls
    def fault(
        self,
        prefix: str,
        status: int | None = None,
        *,
        times: int | None = None,
        delay: float = 0.0,
        on_continue: bool = False,
        retry_after: int | None = None,
        message: str | None = None,
    ) -> Fault:
        fault = Fault(prefix, status, times, delay, on_continue, retry_after, message)
        with self._lock:
            self.faults.append(fault)
        return fault

    def clear(self) -> None:
        with self._lock:
            self.faults.clear()
            self.requests.clear()

    def methods(self) -> set[str]:
        return {r.method for r in self.requests}

    def paths(self, prefix: str = "") -> list[str]:
        return [r.path for r in self.requests if r.path.startswith(prefix)]

    def kubeconfig(
        self, path: Path, *, context: str = "test", token: str | Mapping[str, Any] = TOKEN
    ) -> Path:
        """A one-context kubeconfig for this server."""
        return write_kubeconfig(path, {context: (self.url, token)}, ca_data=self.ca_data)

    # ------------------------------------------------------------------ request handling
    def handle(self, method: str, target: str, headers: dict[str, str]) -> Response:
        split = urlsplit(target)
        path = split.path
        query = {k: v[-1] for k, v in parse_qs(split.query, keep_blank_values=True).items()}
        with self._lock:
            self.requests.append(Recorded(method, path, query, headers))
            fault = next((f for f in self.faults if f.matches(path, query)), None)
            if fault is not None:
                fault.hits += 1
        if fault is not None and fault.delay:
            time.sleep(fault.delay)
        if method != "GET":
            return _error(405, f"the test server is read-only: {method} is not allowed")
        user = self._user(headers.get("authorization", ""))
        if user is None:
            return _error(401)
        if fault is not None and fault.status is not None:
            return self._fault_response(fault, path, user)
        for pattern, name in _ROUTES:
            match = pattern.match(path)
            if match:
                route: Route = getattr(ApiServer, f"_route_{name}")
                try:
                    return route(self, match.groupdict(), query, user)
                except BadRequest as error:
                    return _error(400, str(error))
        return _error(404)

    def _user(self, authorization: str) -> str | None:
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() != "bearer":
            return None
        return self.cluster.tokens.get(token.strip())

    def _fault_response(self, fault: Fault, path: str, user: str) -> Response:
        if fault.status == 403:
            plural = path.rstrip("/").rsplit("/", 1)[-1]
            message = (
                f'{plural} is forbidden: User "{user}" cannot list resource "{plural}" at the cluster scope'
            )
            response = _error(403, fault.message or message, kind=plural)
        else:
            response = _error(fault.status or 500, fault.message)
        if fault.retry_after is not None:
            response.headers["Retry-After"] = str(fault.retry_after)
        return response

    # ------------------------------------------------------------------ routes
    def _route_version(self, _m: dict[str, str], _q: dict[str, str], _u: str) -> Response:
        return _json(self.cluster.version_info)

    def _route_core_versions(self, _m: dict[str, str], _q: dict[str, str], _u: str) -> Response:
        address = {"clientCIDR": "0.0.0.0/0", "serverAddress": f"127.0.0.1:{self.port}"}
        return _json({"kind": "APIVersions", "versions": ["v1"], "serverAddressByClientCIDRs": [address]})

    def _group_entry(self, group: str, versions: list[str]) -> dict[str, Any]:
        entries = [{"groupVersion": f"{group}/{v}", "version": v} for v in versions]
        return {"name": group, "versions": entries, "preferredVersion": entries[0]}

    def _route_groups(self, _m: dict[str, str], _q: dict[str, str], _u: str) -> Response:
        groups = [self._group_entry(g, v) for g, v in self.cluster.group_versions().items() if g]
        return _json({"kind": "APIGroupList", "apiVersion": "v1", "groups": groups})

    def _route_group(self, match: dict[str, str], _q: dict[str, str], _u: str) -> Response:
        versions = self.cluster.group_versions().get(match["group"])
        if not versions:
            return _error(404)
        return _json({"kind": "APIGroup", "apiVersion": "v1", **self._group_entry(match["group"], versions)})

    def _route_core_resources(self, match: dict[str, str], query: dict[str, str], user: str) -> Response:
        return self._route_resources({"group": "", "version": match["version"]}, query, user)

    def _route_resources(self, match: dict[str, str], _q: dict[str, str], _u: str) -> Response:
        group, version = match["group"], match["version"]
        resources = [r for r in self.cluster.served_resources() if (r.group, r.version) == (group, version)]
        if not resources:
            return _error(404)
        group_version = f"{group}/{version}" if group else version
        return _json(
            {
                "kind": "APIResourceList",
                "apiVersion": "v1",
                "groupVersion": group_version,
                "resources": [r.discovery() for r in resources],
            }
        )

    def _route_objects(self, match: dict[str, str], query: dict[str, str], _u: str) -> Response:
        resource = self.cluster.resource(match.get("group") or "", match["version"], match["plural"])
        namespace = match.get("ns")
        if resource is None or (namespace is not None and not resource.namespaced):
            return _error(404)
        if query.get("watch") in ("true", "1"):
            return _error(400, "the test server does not implement watch")
        if match.get("name"):
            return self._get_one(resource, namespace or "", match["name"])
        return self._list(resource, namespace, query)

    def _get_one(self, resource: Resource, namespace: str, name: str) -> Response:
        for stored in self.cluster.stored(resource):
            if (stored.namespace, stored.name) == (namespace, name):
                return Response(200, stored.item(resource, True))
        group = f".{resource.group}" if resource.group else ""
        return _error(404, f'{resource.plural}{group} "{name}" not found', name=name, kind=resource.plural)

    def _list(self, resource: Resource, namespace: str | None, query: dict[str, str]) -> Response:
        items = self.cluster.select(
            resource,
            namespace=namespace,
            label_selector=query.get("labelSelector", ""),
            field_selector=query.get("fieldSelector", ""),
        )
        limit = int(query.get("limit") or 0)
        chunk, token, remaining = page(items, self.cluster.revision, limit, query.get("continue", ""))
        meta: dict[str, Any] = {"resourceVersion": str(self.cluster.revision)}
        if token:
            meta.update({"continue": token, "remainingItemCount": remaining})
        head = json.dumps(
            {"kind": f"{resource.kind}List", "apiVersion": resource.api_version, "metadata": meta},
            separators=(",", ":"),
        ).encode()
        typed = resource.typed_items
        body = head[:-1] + b',"items":[' + b",".join(s.item(resource, typed) for s in chunk) + b"]}"
        return Response(200, body)


def _json(obj: Any) -> Response:
    return Response(200, json.dumps(obj).encode())


# ---------------------------------------------------------------------- HTTP plumbing
class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    api: ApiServer
    ssl_context: ssl.SSLContext | None = None

    def __init__(self, address: tuple[str, int], handler: type[BaseHTTPRequestHandler]) -> None:
        super().__init__(address, handler)
        self._open: set[socket.socket] = set()
        self._open_lock = threading.Lock()

    def finish_request(self, request: Any, client_address: Any) -> None:
        connection = request
        if self.ssl_context is not None:
            try:
                connection = self.ssl_context.wrap_socket(request, server_side=True)
            except (ssl.SSLError, OSError):
                return
        with self._open_lock:
            self._open.add(connection)
        try:
            super().finish_request(connection, client_address)
        finally:
            with self._open_lock:
                self._open.discard(connection)
            if connection is not request:
                connection.close()

    def drop_connections(self) -> None:
        with self._open_lock:
            open_now = list(self._open)
        for connection in open_now:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that gave up (timeout) closes its end: not worth a traceback."""


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    server: _HTTPServer

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        return

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        headers = {k.lower(): v for k, v in self.headers.items()}
        api = self.server.api
        response = api.handle(self.command, self.path, headers)
        body = response.body
        if api.gzip and len(body) > GZIP_ABOVE and "gzip" in headers.get("accept-encoding", ""):
            body = gzip.compress(body, compresslevel=1)
            response.headers["Content-Encoding"] = "gzip"
        try:
            self.send_response(response.code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-cache, private")
            for key, value in response.headers.items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(body)
        except OSError:
            self.close_connection = True

    do_GET = do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = _serve


# ---------------------------------------------------------------------- TLS and kubeconfig
_TLS: tuple[str, str, str] | None = None


def tls_material() -> tuple[str, str, str]:
    """(cert file, key file, base64 PEM) of a self-signed certificate for 127.0.0.1, made once per
    process with the openssl CLI (the ``cryptography`` package is not available)."""
    global _TLS
    if _TLS is None:
        directory = Path(tempfile.mkdtemp(prefix="km-k8s-tls-"))
        atexit.register(shutil.rmtree, directory, True)
        cert, key = directory / "cert.pem", directory / "key.pem"
        subprocess.run(
            [
                shutil.which("openssl") or "/usr/bin/openssl",
                "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", str(key), "-out", str(cert), "-days", "2",
                "-subj", "/CN=karpmigrate-test-apiserver",
                "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
            ],
            check=True,
            capture_output=True,
        )  # fmt: skip
        _TLS = (str(cert), str(key), base64.b64encode(cert.read_bytes()).decode())
    return _TLS


def write_kubeconfig(
    path: Path | str,
    contexts: Mapping[str, tuple[str, str | Mapping[str, Any]]],
    *,
    current: str | None = None,
    ca_data: str | None = None,
) -> Path:
    """A kubeconfig with one cluster, user and context per entry: name -> (server URL, token or a
    ``users[].user`` mapping such as :func:`exec_user`). ``current=""`` leaves current-context unset."""
    clusters, users, entries = [], [], []
    for name, (server, credential) in contexts.items():
        cluster: dict[str, Any] = {"server": server}
        if ca_data and server.startswith("https"):
            cluster["certificate-authority-data"] = ca_data
        user = {"token": credential} if isinstance(credential, str) else dict(credential)
        clusters.append({"name": f"{name}-cluster", "cluster": cluster})
        users.append({"name": f"{name}-user", "user": user})
        entries.append({"name": name, "context": {"cluster": f"{name}-cluster", "user": f"{name}-user"}})
    config: dict[str, Any] = {
        "apiVersion": "v1",
        "kind": "Config",
        "preferences": {},
        "clusters": clusters,
        "users": users,
        "contexts": entries,
    }
    chosen = next(iter(contexts), "") if current is None else current
    if chosen:
        config["current-context"] = chosen
    target = Path(path)
    target.write_text(json.dumps(config, indent=2))  # JSON is YAML
    return target


def exec_user(directory: Path, token: str, *, fail: bool = False) -> dict[str, Any]:
    """A ``users[].user`` entry whose credential comes from an exec plugin (as ``aws eks get-token``).

    The token travels in the plugin's env and a secret-looking argument, so a test can prove neither
    leaks. With ``fail`` the plugin prints the token to stderr and exits 1.
    """
    script = directory / "exec-credential.py"
    script.write_text(
        "import json, os, sys\n"
        "token = os.environ['KM_EXEC_TOKEN']\n"
        f"if {fail!r}:\n"
        "    print('denied for ' + token, file=sys.stderr)\n"
        "    sys.exit(1)\n"
        "json.dump({'apiVersion': 'client.authentication.k8s.io/v1beta1', 'kind': 'ExecCredential',\n"
        "           'status': {'token': token}}, sys.stdout)\n"
    )
    return {
        "exec": {
            "apiVersion": "client.authentication.k8s.io/v1beta1",
            "command": sys.executable,
            "args": [str(script), f"--secret={token}"],
            "env": [{"name": "KM_EXEC_TOKEN", "value": token}],
            "interactiveMode": "Never",
        }
    }


# ---------------------------------------------------------------------- standalone (benchmarks)
SCENARIOS: dict[str, Callable[[], Cluster]] = {
    "mid-migration": mid_migration,
    "clean": clean_cluster,
    "no-karpenter": no_karpenter,
    "large": large_cluster,
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenario", choices=sorted(SCENARIOS))
    parser.add_argument("--kubeconfig", type=Path, required=True)
    parser.add_argument("--tls", action="store_true")
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args(argv)
    server = ApiServer(SCENARIOS[args.scenario](), tls=args.tls, port=args.port).start()
    server.kubeconfig(args.kubeconfig)
    print(server.url, flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
