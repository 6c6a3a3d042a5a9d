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
    _install_more(core)


def metrics_html(m) -> str:
    """FlowMetrics: one row of counters, then the latency histogram."""
    counters = [("in", m.messages_in), ("out", m.messages_out), ("done", m.done), ("filtered", m.filtered),
                ("retried", m.retried), ("dead_lettered", m.dead_lettered), ("in_flight", m.in_flight),
                ("lag", m.lag), ("elapsed s", f"{m.elapsed_seconds:.2f}"), ("msg/s", f"{m.rate:.0f}")]
    mean = m.latency_sum_seconds / m.latency_count * 1000 if m.latency_count else 0.0
    latency = [(f"<= {bound * 1000:g} ms", count) for bound, count in m.latency_buckets]
    return (table([c[0] for c in counters], [[c[1] for c in counters]], f"flow {m.flow}")
            + table(("latency", "inputs (cumulative)"), latency, f"delivery latency, mean {mean:.2f} ms"))


def matrix_html(mx) -> str:
    """A ReachabilityMatrix: one row per (from, to) with the ports."""
    rows = [(c.from_, c.to, str(c.ports)) for c in mx.cells]
    return table(("from", "to", "ports"), rows,
                 f"{len(mx.namespaces)} namespaces, {mx.classes} classes, {len(rows)} reachable pairs")


def verdict_html(v) -> str:
    """A Verdict: the answer and why."""
    rows = [("allowed", v.allowed), ("from", v.from_pod), ("to", v.to_pod), ("egress", v.egress),
            ("ingress", v.ingress), ("denied_by", v.denied_by)] + [("reason", r) for r in v.reasons]
    return table(("", ""), rows, "allowed" if v.allowed else f"denied by {v.denied_by}")


def capacity_html(c) -> str:
    """A Capacity: one row per quota line."""
    rows = [(line.resource, line.hard, line.per_integration, "-" if line.fits < 0 else line.fits,
             "binds" if line.resource in c.binding else "") for line in c.lines]
    warnings = "".join(f"<p>warning: {html.escape(w)}</p>" for w in c.warnings)
    return table(("resource", "hard", "per integration", "fits", ""), rows,
                 f"{c.namespace}: {c.integrations} integrations fit") + warnings


def _install_more(core) -> None:
    core.FlowMetrics._repr_html_ = metrics_html
    core.ReachabilityMatrix._repr_html_ = matrix_html
    core.Verdict._repr_html_ = verdict_html
    core.Capacity._repr_html_ = capacity_html
