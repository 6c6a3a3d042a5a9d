# SPDX-License-Identifier: Apache-2.0
"""How libplatform objects show in Jupyter: HTML tables via ``_repr_html_``."""

import html
from typing import Iterable, Sequence


def table(headers: Sequence[str], rows: Iterable[Sequence[object]], caption: str = "") -> str:
    """An HTML table with escaped cells."""
    head = "".join(f"<th style='text-align:left'>{html.escape(str(h))}</th>" for h in headers)
    body = "".join(
        "<tr>" + "".join(f"<td style='text-align:left'>{html.escape(str(c))}</td>" for c in row) + "</tr>"
        for row in rows)
    cap = f"<caption style='text-align:left'>{html.escape(caption)}</caption>" if caption else ""
    return f"<table>{cap}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def report_html(report) -> str:
    """A ValidationReport: its summary and one row per finding."""
    rows = [(f.severity, f"{f.file}:{f.line}:{f.column}", f.kind, f.name, f.path, f.message, f.rule)
            for f in report.findings]
    return table(("severity", "where", "kind", "name", "path", "message", "rule"), rows, report.summary())


def spec_html(spec) -> str:
    """A PlatformSpec: the main settings, then the topics and the tenants."""
    settings = [("name", spec.name), ("profile", spec.profile), ("kafka", f"{spec.kafka.name}: {spec.kafka.brokers} "
                f"brokers, Kafka {spec.kafka.version}"), ("rabbitmq", f"{spec.rabbitmq.name}: "
                f"{spec.rabbitmq.replicas} nodes"), ("storage_class", spec.storage_class)]
    topics = [(t.name, t.partitions, t.replicas) for t in spec.kafka.topics]
    tenants = [(t.name, f"user-{t.name}", t.quota.pods, t.quota.requests_cpu, t.quota.requests_memory)
               for t in spec.tenants]
    return (table(("field", "value"), settings, "PlatformSpec")
            + table(("topic", "partitions", "replicas"), topics, "Kafka topics")
            + (table(("tenant", "namespace", "pods", "cpu", "memory"), tenants, "Tenants") if tenants else ""))


def tree_html(tree) -> str:
    """A RenderedTree: one row per manifest."""
    rows = [(m.path, m.wave, m.kind, m.namespace, m.name) for m in tree.manifests]
    return table(("path", "wave", "kind", "namespace", "name"), rows,
                 f"{len(tree.components)} components, {len(rows)} manifests")


def install(core) -> None:
    """Gives the extension's classes their notebook representations."""
    core.ValidationReport._repr_html_ = report_html
    core.PlatformSpec._repr_html_ = spec_html
    core.RenderedTree._repr_html_ = tree_html
