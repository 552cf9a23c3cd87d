"""bench/: the corpus generator is deterministic, sized as asked, valid v1beta1, and every budget
script runs in --quick mode and prints its figures in the format bench/README.md documents (issue 6)."""

from __future__ import annotations

import importlib
import itertools
import json
import random
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType, SimpleNamespace

import pytest
import yaml
from cli_support import run

BENCH = Path(__file__).resolve().parents[1] / "bench"


def _bench(name: str) -> ModuleType:
    # The bench scripts import their siblings by name (they run as `python bench/x.py`).
    if str(BENCH) not in sys.path:
        sys.path.insert(0, str(BENCH))
    return importlib.import_module(name)


corpus = _bench("corpus")
emit = _bench("_emit")
measure = _bench("_measure")
karpenter = _bench("_karpenter")
workloads = _bench("_workloads")


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _objects(root: Path) -> list[tuple[str, dict]]:
    """(file, object) for every object on disk, the items of a `kind: List` included."""
    found = []
    for path, data in _tree(root).items():
        for doc in yaml.safe_load_all(data):
            items = doc["items"] if doc.get("kind") == "List" else [doc]
            found += [(path, item) for item in items]
    return found


def _karpenter(obj: dict) -> bool:
    return obj["apiVersion"].startswith(("karpenter.sh/", "karpenter.k8s.aws/"))


# ---------------------------------------------------------------- determinism and sizes


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(lambda out, seed: corpus.monorepo(out, 120, seed, 0.05), id="monorepo"),
        pytest.param(lambda out, seed: corpus.pairs(out, 40, seed), id="pairs"),
    ],
)
def test_same_seed_writes_the_same_bytes(tmp_path, make):
    make(tmp_path / "a", 7)
    make(tmp_path / "b", 7)
    make(tmp_path / "c", 8)
    first = _tree(tmp_path / "a")
    assert first == _tree(tmp_path / "b")
    assert first != _tree(tmp_path / "c")


def test_cli_writes_the_same_tree_as_the_module(tmp_path):
    done = subprocess.run(
        [sys.executable, str(BENCH / "corpus.py"), str(tmp_path / "cli"), "--files", "30", "--seed", "2"],
        capture_output=True,
        text=True,
        check=True,
    )
    corpus.monorepo(tmp_path / "module", 30, 2)
    assert _tree(tmp_path / "cli") == _tree(tmp_path / "module")
    assert re.fullmatch(
        r".*: 30 files, \d+ documents, [\d.]+ MB, 1 Karpenter files, \d+ Karpenter objects\n", done.stdout
    )


@pytest.mark.parametrize(
    ("files", "share", "karpenter_files"), [(300, 0.05, 15), (100, 0.03, 3), (40, 0.0, 0)]
)
def test_monorepo_has_the_requested_counts(tmp_path, files, share, karpenter_files):
    summary = corpus.monorepo(tmp_path, files, 1, share)
    on_disk = _tree(tmp_path)
    assert len(on_disk) == summary.files == files
    objects = _objects(tmp_path)
    karpenter_paths = {path for path, obj in objects if _karpenter(obj)}
    assert len(karpenter_paths) == summary.karpenter_files == karpenter_files
    assert sum(_karpenter(obj) for _, obj in objects) == summary.karpenter_objects
    documents = sum(1 for data in on_disk.values() for _ in yaml.safe_load_all(data))
    assert documents == summary.documents
    assert 2.5 <= documents / files <= 3.5
    apps = [p for p in on_disk if p.startswith("apps/")]
    assert {p.rsplit("/", 1)[1] for p in apps} == {"deployment.yaml", "service.yaml", "configmap.yaml"}


def test_monorepo_karpenter_files_are_exact_whatever_the_pair_layouts(tmp_path):
    # Pairs come as two files or one: the last pair must fit the count exactly.
    for count in range(1, 16):
        summary = corpus.monorepo(tmp_path / str(count), count, 4, 1.0)
        assert summary.files == summary.karpenter_files == len(_tree(tmp_path / str(count))) == count


def test_deployments_are_one_to_three_kilobytes():
    rng = random.Random(0)
    sizes = sorted(
        len(emit.document(workloads.deployment(rng, f"svc-{i}", "team", "team"), emit.Style()).encode())
        for i in range(200)
    )
    assert sizes[len(sizes) // 10] >= 1000 and sizes[9 * len(sizes) // 10] <= 3072


def test_pairs_have_every_style_and_a_shared_class(tmp_path):
    corpus.pairs(tmp_path, 150, 1)
    on_disk = _tree(tmp_path)
    objects = _objects(tmp_path)
    kinds = [obj["kind"] for _, obj in objects]
    assert kinds.count("NodePool") == kinds.count("EC2NodeClass") == 150
    texts = list(on_disk.values())
    assert any(b"\r\n" in t for t in texts) and any(b"\r\n" not in t for t in texts)
    assert any(re.search(rb"^metadata:\r?\n    name:", t, re.MULTILINE) for t in texts), "4-space indentation"
    assert any(b"- {key: " in t for t in texts) and any(b"values: [" in t for t in texts), "flow style"
    assert any(b"\n# " in t or t.startswith(b"# ") for t in texts), "comments"
    assert any(b"kind: List" in t or b'kind: "List"' in t for t in texts)
    assert any(len(list(yaml.safe_load_all(t))) == 2 for t in texts), "multi-document files"
    pools = [obj for _, obj in objects if obj["kind"] == "NodePool"]
    shared = [
        p
        for p in pools
        if p["spec"]["template"]["spec"]["nodeClassRef"]["name"] != p["metadata"]["name"] + "-class"
    ]
    assert shared and all("kubelet" in p["spec"]["template"]["spec"] for p in shared)
    assert sum("kubelet" in p["spec"]["template"]["spec"] for p in pools) > len(pools) / 2


# ---------------------------------------------------------------- validity and what convert does with it


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(lambda out: corpus.pairs(out, 40, 3), id="pairs"),
        pytest.param(lambda out: corpus.monorepo(out, 200, 3, 0.1), id="monorepo"),
    ],
)
def test_karpenter_files_are_valid_v1beta1(tmp_path, capsys, make):
    summary = make(tmp_path)
    code, _, err = run(capsys, "validate", str(tmp_path))
    assert code == 0, err
    assert f"{summary.karpenter_objects} Karpenter objects" in err
    assert " 0 invalid, 0 files skipped, 0 errors, 0 warnings" in err


def test_pairs_make_convert_move_kubelets_across_files_and_split_classes(tmp_path, capsys):
    corpus.pairs(tmp_path, 60, 1)
    code, out, err = run(capsys, "convert", "--check", "-o", "json", str(tmp_path))
    assert code == 1, err
    report = json.loads(out)
    notes = [n for f in report["files"] for d in f["documents"] for n in d["notes"]]
    assert not any(n["level"] == "error" for n in notes)
    moved = [n for n in notes if n["code"] == "KM103"]
    assert any(n["file"] != _nodeclass_file(report, n) for n in moved)
    assert any(n["code"] == "KM101" for n in notes), "a shared class is split"


def _nodeclass_file(report: dict, note: dict) -> str | None:
    target = note["message"].split("EC2NodeClass/", 1)[1].split()[0].rstrip(".,")
    for f in report["files"]:
        if any(d["kind"] == "EC2NodeClass" and d["name"] == target for d in f["documents"]):
            return f["path"]
    return None


def test_monorepo_ordinary_documents_need_no_change(tmp_path, capsys):
    corpus.monorepo(tmp_path, 150, 1, 0.0)
    # A Deployment with do-not-evict is the only workload convert rewrites (KM212).
    expected = sum(b"karpenter.sh/do-not-evict" in data for data in _tree(tmp_path).values())
    code, _, err = run(capsys, "convert", "--check", str(tmp_path))
    assert err.count("Would rewrite ") == expected
    assert code == (1 if expected else 0)


# ---------------------------------------------------------------- the writer


STYLES = [
    emit.Style(indent=i, indent_sequences=s, flow_lists=f, flow_maps=f, quote=q, newline=n, comments=c)
    for i, s, f, q, n, c in itertools.product(
        (2, 4), (True, False), (True, False), ("", '"', "'"), ("\n", "\r\n"), (True,)
    )
] + [emit.Style(comments=False)]


@pytest.mark.parametrize(
    "style",
    STYLES,
    ids=lambda s: f"{s.indent}{s.indent_sequences:d}{s.flow_lists:d}{s.quote or '-'}{len(s.newline)}",
)
def test_text_reads_back_as_the_data(style):
    rng = random.Random(5)
    objects = [
        karpenter.nodepool(rng, "pool", "pool-class", karpenter.kubelet(rng)),
        karpenter.nodeclass(rng, "pool-class", "prod"),
        workloads.deployment(rng, "api", "web", "web"),
        workloads.configmap(rng, "api", "web", "web", 0),
    ]
    text = emit.stream(objects, style, header="header", start=True)
    assert list(yaml.safe_load_all(text)) == [emit.plain(o) for o in objects]
    assert text.count(style.newline) == text.count("\n")


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("720h", "720h"),
        ("1m30s", "1m30s"),
        ("100Mi", "100Mi"),
        ("10%", '"10%"'),
        ("0", '"0"'),
        ("1e3", '"1e3"'),
        ("yes", '"yes"'),
        ("Off", '"Off"'),
        ("@daily", '"@daily"'),
        ("a: b", '"a: b"'),
        ("12:30", '"12:30"'),
        (True, "true"),
        (60, "60"),
    ],
)
def test_scalars_that_would_change_type_are_quoted(value, written):
    assert emit.scalar(value, emit.Style()) == written
    assert yaml.safe_load(f"k: {written}")["k"] == value


# ---------------------------------------------------------------- measuring


def test_peak_rss_is_the_childs_own():
    big = measure.run_cold(
        [sys.executable, "-c", "x = bytearray(120 * 2**20); x[::4096] = b'x' * len(x[::4096])"]
    )
    assert big.peak_rss_mb >= 120 and big.wall > 0 and big.cpu > 0
    if not measure.GNU_TIME.exists():
        pytest.skip("without GNU time the figure includes this process's RSS")
    # pytest itself holds more than this: a child counted with its parent's pages would exceed it.
    assert measure.run_cold([sys.executable, "-c", "pass"]).peak_rss_mb < 40


def test_unexpected_exit_code_is_a_setup_error():
    with pytest.raises(measure.SetupError, match="exited 3"):
        measure.run_cold([sys.executable, "-c", "import sys; print('boom', file=sys.stderr); sys.exit(3)"])


@pytest.mark.parametrize(("ok", "check", "code"), [(True, True, 0), (False, False, 0), (False, True, 1)])
def test_scripts_report_and_only_fail_with_check(ok, check, code):
    assert measure.main(lambda: ok, check) == code


def test_missing_reference_exits_2(capsys):
    def missing() -> bool:
        raise measure.SetupError("yamllint not found")

    assert measure.main(missing, check=False) == 2
    assert "yamllint not found" in capsys.readouterr().err


_RUN = r"P\d run \d+/\d+ [\w-]+ \d+\.\d{3} s \(cpu \d+\.\d{3} s, peak RSS \d+\.\d MB, exit \d\)"
FINAL = {
    "p1_precommit.py": r"P1 median karpmigrate \d+\.\d{3} s, yamllint \d+\.\d{3} s, ratio \d+\.\d\d \(budget <= 1\.0\), "
    r"heavy imports [\w, ]+: (PASS|FAIL)",
    "p2_monorepo.py": r"P2 median karpmigrate \d+\.\d{3} s \(budget <= 3\.0\), libyaml \d+\.\d{3} s, ratio \d+\.\d\d "
    r"\(budget <= 0\.5\), peak RSS \d+\.\d MB \(budget <= 150\), RSS growth from 15 files [+-]\d+\.\d MB "
    r"\(budget <= 10\): (PASS|FAIL)",
    "p3_karpenter.py": r"P3 median karpmigrate \d+\.\d{3} s for 20 documents, \d+ documents/s \(budget >= 400\), "
    r"peak RSS \d+\.\d MB: (PASS|FAIL)",
    "p4_audit.py": r"P4 median karpmigrate \d+\.\d{3} s, kubectl \d+\.\d{3} s, ratio \d+\.\d\d \(budget <= 1\.5\), "
    r"peak RSS \d+\.\d MB \(budget <= 300\): (PASS|FAIL)",
}


@pytest.mark.parametrize("script", sorted(FINAL))
def test_script_quick_mode_prints_its_figures(script):
    references = {
        "p1_precommit.py": measure.find_yamllint,
        "p2_monorepo.py": measure.find_libyaml_python,
        "p4_audit.py": lambda flag: _bench("p4_audit").find_kubectl(flag),  # CI may have no kubectl
    }
    if script in references:
        try:
            references[script](None)
        except measure.SetupError as exc:
            pytest.skip(str(exc).splitlines()[0])
    done = subprocess.run(
        [sys.executable, str(BENCH / script), "--quick"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    prefix = lines[-1][:3]
    assert all(line.startswith(prefix) for line in lines)
    assert re.fullmatch(FINAL[script], lines[-1]), lines[-1]
    assert re.fullmatch(r"P\d machine: \d+ cores, .*, load average [\d.]+ [\d.]+ [\d.]+", lines[0])
    measured = [line for line in lines if re.fullmatch(_RUN, line)]
    assert len(measured) == len([line for line in lines if " run 1/1 " in line]) >= 1


# ---------------------------------------------------------------- P4 (audit against kubectl)


def test_p4_without_kubectl_exits_2_with_one_line(monkeypatch, capsys, tmp_path):
    p4 = _bench("p4_audit")
    monkeypatch.delenv(p4.KUBECTL_ENV, raising=False)
    monkeypatch.setattr(p4.shutil, "which", lambda _name: None)
    monkeypatch.setattr(p4, "MACHINE_KUBECTL", tmp_path / "kubectl")
    assert p4.main(["--quick", "--kubectl", str(tmp_path / "missing")]) == 2
    out, err = capsys.readouterr()
    assert err.splitlines() == [
        f"error: kubectl not found (the P4 reference); pass --kubectl PATH or set ${p4.KUBECTL_ENV}"
    ]
    assert "P4 median" not in out


def _requests(p4: ModuleType, limits: dict[str, list[str | None]]) -> SimpleNamespace:
    recorded = p4.server_module().Recorded
    requests = [
        recorded("GET", path, {} if limit is None else {"limit": limit}, {})
        for plural, path in p4.LISTS.items()
        for limit in limits.get(plural, ["500"])
    ]
    return SimpleNamespace(requests=requests)


@pytest.mark.parametrize(
    ("limits", "error"),
    [
        ({}, None),
        ({"pods": ["500"] * 4}, None),  # a list restarted after a 410 reads more pages
        ({"pods": ["500", "500"]}, "kubectl read 2 pages of /api/v1/pods for 1200 objects"),
        ({"pods": ["0"]}, "kubectl listed /api/v1/pods with limit 0"),
        ({"nodes": [None]}, "kubectl listed /api/v1/nodes with limit none"),
        ({"nodepools": []}, r"kubectl listed /apis/karpenter.sh/v1/nodepools with limit \(no request\)"),
    ],
)
def test_p4_checks_that_every_list_is_read_to_its_end_in_pages_of_500(limits, error):
    p4 = _bench("p4_audit")
    counts = {"pods": 1200, "nodes": 10, "nodeclaims": 20, "nodepools": 2}
    limits = {"pods": ["500"] * 3, **limits}
    log = p4.Logged(_requests(p4, limits), counts)
    if error is None:
        assert log.check("kubectl") == {plural: len(limits.get(plural, [1])) for plural in p4.LISTS}
    else:
        with pytest.raises(measure.SetupError, match=error):
            log.check("kubectl")
