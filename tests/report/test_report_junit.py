"""``-o junit``: parsed back with ElementTree, the counts and cases CI systems read (ecosystem §1.9)."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET

from report_support import NASTY, context, sample_reports

from karpmigrate import catalogue
from karpmigrate.findings import FileReport
from karpmigrate.report import render


def _xml(reports: list[FileReport], tmp_path, **kwargs) -> tuple[str, ET.Element]:
    stream = io.StringIO()
    render("junit", reports, stream, context(tmp_path, **kwargs))
    return stream.getvalue(), ET.fromstring(stream.getvalue().encode())


def _counts(element: ET.Element) -> dict[str, str]:
    return {key: element.get(key, "") for key in ("tests", "failures", "errors", "skipped")}


def test_totals_and_suite_per_file(tmp_path):
    text, root = _xml(sample_reports(), tmp_path)
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites')
    assert root.tag == "testsuites"
    assert root.get("name") == "karpmigrate lint"
    # KM105 + KM108 + KM212 fail, KV001 is an error, the templated file is skipped.
    assert _counts(root) == {"tests": "7", "failures": "3", "errors": "1", "skipped": "1"}
    suites = {s.get("name"): s for s in root.iter("testsuite")}
    assert list(suites) == [
        "deploy/nodepool.yaml",
        "-",
        "chart/templates/np.yaml",
        "clean.yaml",
        "broken.yaml",
    ]
    assert _counts(suites["deploy/nodepool.yaml"]) == {
        "tests": "3",
        "failures": "2",
        "errors": "0",
        "skipped": "0",
    }
    assert _counts(suites["broken.yaml"]) == {"tests": "1", "failures": "0", "errors": "1", "skipped": "0"}
    for key in ("tests", "failures", "errors", "skipped"):
        assert int(root.get(key, "")) == sum(int(s.get(key, "")) for s in suites.values())
    for suite in suites.values():
        assert int(suite.get("tests", "")) == len(suite.findall("testcase"))


def test_every_element_has_a_time(tmp_path):
    _, root = _xml(sample_reports(), tmp_path)
    assert root.get("time") == "0"
    for element in [*root.iter("testsuite"), *root.iter("testcase")]:
        assert element.get("time") == "0"


def test_measured_time_when_the_context_has_it(tmp_path):
    _, root = _xml(sample_reports(), tmp_path, elapsed=1.5)
    assert root.get("time") == "1.500"


def test_failure_case(tmp_path):
    _, root = _xml(sample_reports(), tmp_path)
    case = root.find("testsuite/testcase")
    assert case is not None
    assert case.get("classname") == "NodePool@karpenter.sh/v1"
    assert case.get("name") == "NodePool/default KM105 spec.template.spec.expireAfter"
    failure = case.find("failure")
    assert failure is not None
    assert failure.get("type") == "KM105"
    assert failure.get("message") == "expireAfter changes from 168h to 720h"
    assert failure.text is not None
    assert failure.text.splitlines()[0] == "deploy/nodepool.yaml:12:7: error KM105 expire-after-changed"


def test_warning_fails_and_info_passes_with_system_out(tmp_path):
    _, root = _xml(sample_reports(), tmp_path)
    cases = {c.get("name"): c for c in root.iter("testcase")}
    warning = cases["EC2NodeClass/default KM108"]
    assert warning.find("failure") is not None
    info = cases["EC2NodeClass/default KM206 spec.subnetSelectorTerms"]
    assert info.find("failure") is None and info.find("error") is None
    out = info.find("system-out")
    assert out is not None and out.text is not None and "subnets changed" in out.text


def test_unreadable_input_is_an_error(tmp_path):
    _, root = _xml(sample_reports(), tmp_path)
    suite = next(s for s in root.iter("testsuite") if s.get("name") == "broken.yaml")
    error = suite.find("testcase/error")
    assert error is not None
    assert error.get("type") == "KV001"
    assert suite.find("testcase/failure") is None
    case = suite.find("testcase")
    assert case is not None and case.get("classname") == "broken.yaml"


def test_skipped_file(tmp_path):
    _, root = _xml(sample_reports(), tmp_path)
    suite = next(s for s in root.iter("testsuite") if s.get("name") == "chart/templates/np.yaml")
    (case,) = suite.findall("testcase")
    skipped = case.find("skipped")
    assert skipped is not None
    assert skipped.get("message") == "skipped: templated"
    assert skipped.text == "Go/Helm template expressions: skipped"


def test_clean_file_gets_one_passing_case(tmp_path):
    _, root = _xml(sample_reports(), tmp_path)
    suite = next(s for s in root.iter("testsuite") if s.get("name") == "clean.yaml")
    (case,) = suite.findall("testcase")
    assert case.get("name") == "no findings"
    assert list(case) and case[0].tag == "system-out"
    assert case[0].text == "2 Karpenter objects checked, no findings"


def test_empty_run(tmp_path):
    _, root = _xml([], tmp_path, command="validate")
    assert root.get("name") == "karpmigrate validate"
    assert _counts(root) == {"tests": "0", "failures": "0", "errors": "0", "skipped": "0"}


def test_special_and_control_characters_stay_parseable(tmp_path):
    message = NASTY + " \x1b[31mred\x00"
    finding = catalogue.KM212.finding(message, file="x.yaml", line=1)
    _, root = _xml([FileReport("x.yaml", [finding])], tmp_path)
    failure = root.find("testsuite/testcase/failure")
    assert failure is not None
    assert failure.get("message") == NASTY + " \ufffd[31mred\ufffd"
