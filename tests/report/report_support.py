"""Sample reports shared by the report-format tests (a uniquely named module)."""

from __future__ import annotations

from pathlib import Path

from karpmigrate import catalogue
from karpmigrate.findings import FileReport, Finding, Level, ObjectRef
from karpmigrate.io import codes as input_codes
from karpmigrate.report import Context

NODEPOOL = ObjectRef("karpenter.sh/v1", "NodePool", "default", None)
NODECLASS = ObjectRef("karpenter.k8s.aws/v1", "EC2NodeClass", "default", None)
DEPLOYMENT = ObjectRef("apps/v1", "Deployment", "web", "shop")
EXPIRE_AFTER = ("spec", "template", "spec", "expireAfter")

#: A message with every character some format must escape.
NASTY = 'a | b <none> 50% done,\r\nkey: "x"'


def sample_reports() -> list[FileReport]:
    """Errors, warnings, infos, a finding without line, stdin, a skipped and a clean file, an unreadable one."""
    nodepool = "deploy/nodepool.yaml"
    return [
        FileReport(
            nodepool,
            [
                catalogue.KM105.finding(
                    "expireAfter changes from 168h to 720h",
                    file=nodepool,
                    line=12,
                    column=7,
                    obj=NODEPOOL,
                    path=EXPIRE_AFTER,
                ),
                catalogue.KM108.finding("no explicit hop limit", file=nodepool, obj=NODECLASS),
                catalogue.KM206.finding(
                    "subnets changed",
                    file=nodepool,
                    line=30,
                    column=5,
                    obj=NODECLASS,
                    path=("spec", "subnetSelectorTerms"),
                ),
            ],
            objects=2,
            invalid_objects=1,
        ),
        FileReport(
            "-",
            [
                catalogue.KM212.finding(
                    NASTY,
                    file="-",
                    line=3,
                    column=1,
                    obj=DEPLOYMENT,
                    path=("spec", "template", "metadata", "annotations"),
                )
            ],
            objects=1,
        ),
        FileReport(
            "chart/templates/np.yaml",
            [
                input_codes.TEMPLATED.finding(
                    "Go/Helm template expressions: skipped", file="chart/templates/np.yaml"
                )
            ],
            skipped="templated",
        ),
        FileReport("clean.yaml", [], objects=2),
        FileReport(
            "broken.yaml",
            [
                input_codes.YAML_SYNTAX.finding(
                    "mapping values are not allowed here", file="broken.yaml", line=4, column=9
                )
            ],
        ),
    ]


def unknown_finding(file: str = "deploy/nodepool.yaml") -> Finding:
    return Finding("KX999", "brand-new-check", Level.WARNING, "something new", file=file, line=1, column=1)


def context(root: Path, command: str = "lint", **kwargs: object) -> Context:
    """A context whose working directory is also the git root (the usual CI checkout)."""
    return Context(command, working_directory=root, repo_root=root, **kwargs)  # type: ignore[arg-type]
