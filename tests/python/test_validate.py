# SPDX-License-Identifier: Apache-2.0
"""Validation from Python: reports, structured findings, errors, the notebook table."""

import os
import pathlib

import pytest

FIXTURE = pathlib.Path(os.environ.get("PLATFORM_SOURCE_DIR", pathlib.Path(__file__).parents[2])) / \
    "tests/data/validate/manifests"

BAD_TOPIC = """apiVersion: kafka.strimzi.io/v1beta2
kind: KafkaTopic
metadata:
  name: orders
  namespace: kafka
spec:
  partitions: "six"
  replicas: 2
"""


def test_a_valid_tree(libplatform):
    report = libplatform.validate_path(FIXTURE)
    assert report.valid and bool(report)
    assert report.documents > 10 and report.error_count == 0
    report.raise_if_invalid()


def test_findings_are_structured_and_located(libplatform):
    report = libplatform.validate_sources([("topic.yaml", BAD_TOPIC)], rules=False)
    assert not report.valid and report.error_count == 1
    finding = report.findings[0]
    assert (finding.severity, finding.file, finding.kind, finding.name, finding.path, finding.rule) == (
        "error", "topic.yaml", "KafkaTopic", "orders", "spec.partitions", "schema/type")
    assert (finding.line, finding.column) == (7, 15)
    assert finding.to_dict()["message"] == finding.message
    with pytest.raises(libplatform.FailedPrecondition) as raised:
        report.raise_if_invalid()
    assert raised.value.details[0]["location"] == "topic.yaml:7:15"
    assert raised.value.details[0]["path"] == "spec.partitions"


def test_skipping_a_rule(libplatform):
    with_rules = libplatform.validate_sources([("topic.yaml", BAD_TOPIC)])
    assert any(f.rule == "kafka-cluster-label" for f in with_rules.findings)
    skipped = libplatform.validate_sources([("topic.yaml", BAD_TOPIC)], skip_rules=["kafka-cluster-label"])
    assert all(f.rule != "kafka-cluster-label" for f in skipped.findings)
    assert {"name", "description"} <= libplatform.validation_rules()[0].keys()
    assert any(s["kind"] == "Kafka" for s in libplatform.validation_schemas())


def test_bad_input_raises(libplatform, tmp_path):
    with pytest.raises(libplatform.NotFound):
        libplatform.validate_path(tmp_path / "absent")
    with pytest.raises(libplatform.InvalidArgument, match="broken.yaml"):
        libplatform.validate_sources([("broken.yaml", "a: [1, 2\n")])


def test_reports_and_specs_show_as_tables(libplatform):
    report = libplatform.validate_sources([("topic.yaml", BAD_TOPIC)], rules=False)
    page = report._repr_html_()
    assert page.startswith("<table>") and "spec.partitions" in page and "topic.yaml:7:15" in page
    spec = libplatform.default_spec()
    spec.tenants = [libplatform.Tenant(name="team-<a>")]
    page = spec._repr_html_()
    assert "<td style='text-align:left'>events</td>" in page and "team-&lt;a&gt;" in page
