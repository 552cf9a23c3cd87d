"""Large input sets: the process pool gives the same bytes and notes as the serial path (issue 6, P2/P3),
and files with nothing to change are not kept in memory."""

from __future__ import annotations

import os
import pickle
from pathlib import Path
from typing import Any

import pytest
from convert_support import FIXTURES

from karpmigrate.convert import FileResult, Input, Options, convert_inputs, engine, read_inputs, writer
from karpmigrate.io.discovery import Source, discover

GOLDEN_INPUTS = sorted(FIXTURES.glob("*/*.in.yaml")) + sorted(FIXTURES.glob("multi/*/in/**/*.yaml"))


def _inputs() -> list[Input]:
    # Every golden input as one input set: unrelated cases then share names ("default"), which
    # exercises the cross-file plan (nearest class, ambiguity, splits) across many files.
    root = FIXTURES
    return [Input(Source(str(p.relative_to(root)), None), p.read_bytes().decode()) for p in GOLDEN_INPUTS]


def _outcome(results: list[FileResult]) -> list[Any]:
    return [(r.to_json(), r.text, r.original, [n.to_json() for n in r.notes]) for r in results]


@pytest.mark.parametrize("mode", ["clean", "webhook"])
def test_the_pool_gives_what_the_serial_path_gives(mode: str) -> None:
    from karpmigrate.convert import Mode

    options = Options(mode=Mode(mode))
    serial = convert_inputs(_inputs(), options, parallel=False)
    pooled = convert_inputs(_inputs(), options, parallel=True)
    assert any(r.changed for r in serial)
    assert _outcome(pooled) == _outcome(serial)


def test_the_pool_runs_in_other_processes(monkeypatch: pytest.MonkeyPatch) -> None:
    if engine._pool_context() is None:
        pytest.skip("no fork pool on this platform: the serial path runs")
    parent = os.getpid()
    real = engine._convert_file

    def convert_in_a_worker(*args: Any) -> Any:
        # Forked workers inherit this patch; in the parent it would fail the run.
        assert os.getpid() != parent
        return real(*args)

    monkeypatch.setattr(engine, "_convert_file", convert_in_a_worker)
    monkeypatch.setattr(engine, "PARALLEL_MIN_DOCUMENTS", 1)
    results = convert_inputs(_inputs(), Options())
    assert any(r.changed for r in results)


def test_a_file_without_karpenter_is_not_kept_and_is_read_again(tmp_path: Path) -> None:
    plain = tmp_path / "app.yaml"
    plain.write_bytes("\ufeffapiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n".encode())
    templated = tmp_path / "chart.yaml"
    templated.write_text("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Values.name }}\n")
    results = convert_inputs(read_inputs(discover([str(tmp_path)])), Options())
    by_name = {Path(r.display).name: r for r in results}
    assert by_name["app.yaml"].original is None and not by_name["app.yaml"].changed
    assert (
        writer.output_text(by_name["app.yaml"]) == "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n"
    )
    assert writer.encoded(by_name["app.yaml"], writer.output_text(by_name["app.yaml"]) or "") == (
        plain.read_bytes()
    )
    # A file with a finding keeps its text: it is reported, and mirrored as it was.
    assert by_name["chart.yaml"].skipped == "templated"
    assert by_name["chart.yaml"].original == templated.read_text()


def test_stdin_text_is_kept() -> None:
    [result] = convert_inputs([Input(Source("-", None), "kind: ConfigMap\n")], Options())
    assert result.original == "kind: ConfigMap\n"
    assert writer.output_text(result) == "kind: ConfigMap\n"


def test_a_source_is_immutable_comparable_and_picklable(tmp_path: Path) -> None:
    source = Source("a/b.yaml", tmp_path / "b.yaml", Path("b.yaml"))
    assert source.path == tmp_path / "b.yaml" and source.relative == Path("b.yaml")
    assert pickle.loads(pickle.dumps(source)) == source
    assert source != Source("a/b.yaml", tmp_path / "c.yaml", Path("b.yaml"))
    assert len({source, Source("a/b.yaml", str(tmp_path / "b.yaml"), "b.yaml")}) == 1
    with pytest.raises(AttributeError):
        source.display = "x"
