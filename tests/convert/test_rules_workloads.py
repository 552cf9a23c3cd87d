"""CL-6 on workloads: do-not-evict / do-not-consolidate → do-not-disrupt in pod templates (KM212).

Only the pod template (a Pod's own metadata) is rewritten: that is where Karpenter v0.37 read the key
(CORE@v0.37.7 pkg/utils/pod/scheduling.go:172-174). Workloads are any apiVersion; the engine only parses
those whose text mentions a deprecated key, so every other document keeps its bytes.
"""

from __future__ import annotations

import pytest
from convert_support import codes, convert, output

from karpmigrate.findings import Level

TEMPLATE = """\
apiVersion: {api}
kind: {kind}
metadata:
  name: app
  namespace: shop
spec:
  selector: {{matchLabels: {{app: app}}}}
  template:
    metadata:
      labels: {{app: app}}
      annotations:
{annotations}    spec:
      containers:
      - name: app
        image: registry.example.com/app:1.0
"""
CRONJOB = """\
apiVersion: {api}
kind: CronJob
metadata:
  name: app
spec:
  schedule: "0 3 * * *"
  jobTemplate:
    spec:
      template:
        metadata:
          annotations:
{annotations}        spec:
          restartPolicy: OnFailure
          containers:
          - name: app
            image: registry.example.com/app:1.0
"""
POD = """\
apiVersion: {api}
kind: Pod
metadata:
  name: app
  annotations:
{annotations}spec:
  containers:
  - name: app
    image: registry.example.com/app:1.0
"""


def workload(kind: str, api: str, annotations: str) -> str:
    """A workload whose pod-template annotations are ``annotations`` (lines at 4 spaces of indent)."""
    shapes = {"CronJob": (CRONJOB, " " * 8), "Pod": (POD, "")}
    shape, extra = shapes.get(kind, (TEMPLATE, " " * 4))
    lines = "".join(extra + line for line in annotations.splitlines(keepends=True))
    return shape.format(api=api, kind=kind, annotations=lines)


KINDS = [
    ("Pod", "v1"),
    ("Deployment", "apps/v1"),
    ("StatefulSet", "apps/v1"),
    ("DaemonSet", "apps/v1"),
    ("ReplicaSet", "apps/v1"),
    ("Job", "batch/v1"),
    ("CronJob", "batch/v1"),
    ("CronJob", "batch/v1beta1"),
]
EVICT = '    karpenter.sh/do-not-evict: "true"\n'
DISRUPT = '    karpenter.sh/do-not-disrupt: "true"\n'


@pytest.mark.parametrize(("kind", "api"), KINDS, ids=[f"{k}-{a}" for k, a in KINDS])
def test_do_not_evict_renamed_in_the_pod_template(kind: str, api: str) -> None:
    text = workload(kind, api, "    team: shop\n" + EVICT)
    assert output(text) == workload(kind, api, "    team: shop\n" + DISRUPT)
    result = convert(text)
    [note] = result.notes
    assert (note.code, note.level, str(note.obj)) == ("KM212", Level.WARNING, f"{kind}/app")
    assert note.line == text.count("\n", 0, text.index("do-not-evict")) + 1


@pytest.mark.parametrize(
    ("annotations", "expected"),
    [
        pytest.param(
            "    karpenter.sh/do-not-consolidate: 'true' # keep\n",
            "    karpenter.sh/do-not-disrupt: 'true' # keep\n",
            id="do-not-consolidate-quotes-and-comment",
        ),
        pytest.param(
            '    "karpenter.sh/do-not-evict": "true"\n',
            '    "karpenter.sh/do-not-disrupt": "true"\n',
            id="quoted-key",
        ),
        pytest.param(
            EVICT + "    karpenter.sh/do-not-consolidate: 'true'\n    team: shop\n",
            DISRUPT + "    team: shop\n",
            id="both-deprecated-first-renamed",
        ),
        pytest.param(
            "    team: shop\n" + DISRUPT + EVICT,
            "    team: shop\n" + DISRUPT,
            id="already-has-do-not-disrupt",
        ),
    ],
)
def test_deprecated_keys_become_one_do_not_disrupt(annotations: str, expected: str) -> None:
    text = workload("Deployment", "apps/v1", annotations)
    assert output(text) == workload("Deployment", "apps/v1", expected)
    assert codes(convert(text)) == ["KM212"]


def test_flow_annotations() -> None:
    text = workload("Job", "batch/v1", "").replace(
        "      annotations:\n", '      annotations: {karpenter.sh/do-not-evict: "true", a: b}\n'
    )
    assert output(text) == text.replace("do-not-evict", "do-not-disrupt")


@pytest.mark.parametrize(
    ("kind", "consequence"),
    [
        ("Deployment", "rolls out"),
        ("ReplicaSet", "does not replace running pods"),
        ("Job", "re-create the Job"),
        ("CronJob", "Jobs started after applying"),
        ("Pod", "in place"),
    ],
)
def test_note_says_what_applying_does(kind: str, consequence: str) -> None:
    api = {"Pod": "v1", "Job": "batch/v1", "CronJob": "batch/v1"}.get(kind, "apps/v1")
    [note] = convert(workload(kind, api, EVICT)).notes
    assert "karpenter.sh/do-not-evict renamed to karpenter.sh/do-not-disrupt" in note.message
    assert consequence in note.message


def test_list_items_are_converted() -> None:
    item = workload("Deployment", "apps/v1", EVICT)
    indented = "".join("  " + line for line in item.splitlines(keepends=True))
    text = "apiVersion: v1\nkind: List\nitems:\n-" + indented[1:]
    assert output(text) == text.replace("do-not-evict", "do-not-disrupt")
    assert codes(convert(text)) == ["KM212"]


def test_other_documents_keep_their_bytes() -> None:
    service = (
        "# karpenter.sh/do-not-evict is only mentioned here\n"
        "apiVersion: v1\nkind: Service\nmetadata:\n  name:   app\nspec: { selector: {app: app} }\n"
    )
    text = workload("Pod", "v1", EVICT) + "---\n" + service
    assert output(text) == workload("Pod", "v1", DISRUPT) + "---\n" + service


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(workload("Deployment", "apps/v1", DISRUPT), id="already-v1"),
        pytest.param(
            workload("Deployment", "apps/v1", "    team: shop\n").replace(
                "  namespace: shop\n",
                "  namespace: shop\n  annotations: {karpenter.sh/do-not-evict: 'true'}\n",
            ),
            id="object-metadata-not-pod-template",
        ),
        pytest.param(
            workload("StatefulSet", "apps/v1", "    team: shop\n").replace(
                "        image: registry.example.com/app:1.0\n",
                "        image: registry.example.com/app:1.0\n"
                "        env: [{name: KEY, value: karpenter.sh/do-not-evict}]\n",
            ),
            id="mentioned-in-a-value",
        ),
        pytest.param(
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n"
            "  annotations:\n    karpenter.sh/do-not-evict: 'true'\n",
            id="not-a-workload",
        ),
    ],
)
def test_noop(text: str) -> None:
    result = convert(text)
    assert output(text) == text
    assert codes(result) == []


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(("--keep-deprecated-annotations",), id="keep-flag"),
        pytest.param(("--mode", "webhook"), id="webhook"),
    ],
)
def test_noop_when_asked_to_keep_or_in_webhook_mode(args: tuple[str, ...]) -> None:
    text = workload("Deployment", "apps/v1", EVICT)
    result = convert(text, *args)
    assert output(text, *args) == text
    assert codes(result) == []
