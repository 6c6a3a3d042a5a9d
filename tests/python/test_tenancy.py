# SPDX-License-Identifier: Apache-2.0
"""Tenancy: tenant add/remove/list on a spec file, the isolation analysis
(can_reach verdicts, the matrix, check_isolation) and capacity."""

import pytest


@pytest.fixture()
def spec_file(libplatform, tmp_path):
    path = tmp_path / "platform.yaml"
    path.write_text(libplatform.init_yaml())
    return path


@pytest.fixture(scope="module")
def tree(libplatform):
    spec = libplatform.default_spec()
    spec.tenants = [libplatform.Tenant(name="alice"), libplatform.Tenant(name="bob")]
    return libplatform.render(spec)


def test_tenants_are_added_listed_and_removed_on_the_spec_file(libplatform, spec_file):
    before = spec_file.read_text()
    tenant = libplatform.add_tenant(spec_file, "alice", set=["quota.pods=40"])
    assert (tenant.name, tenant.quota.pods) == ("alice", 40)
    libplatform.add_tenant(spec_file, "bob")
    assert [t.name for t in libplatform.list_tenants(spec_file)] == ["alice", "bob"]
    assert "user-alice" in libplatform.tenants_table(libplatform.list_tenants(spec_file))
    removal = libplatform.remove_tenant(spec_file, "alice")
    assert removal.tenant.name == "alice" and removal.warnings == []
    libplatform.remove_tenant(spec_file, "bob")
    assert libplatform.list_tenants(spec_file) == []
    outside = lambda text: [line for line in text.splitlines() if "tenants" not in line]  # noqa: E731
    assert outside(spec_file.read_text()) == outside(before)   # comments and the rest stay byte for byte


def test_bad_tenant_edits_raise_and_change_nothing(libplatform, spec_file):
    libplatform.add_tenant(spec_file, "alice")
    before = spec_file.read_text()
    with pytest.raises(libplatform.AlreadyExists):
        libplatform.add_tenant(spec_file, "alice")
    with pytest.raises(libplatform.InvalidArgument, match="kube"):
        libplatform.add_tenant(spec_file, "kube-stuff")
    with pytest.raises(libplatform.NotFound):
        libplatform.remove_tenant(spec_file, "carol")
    with pytest.raises(libplatform.NotFound):
        libplatform.list_tenants(spec_file.parent / "missing.yaml")
    assert spec_file.read_text() == before
    with pytest.raises(libplatform.InvalidArgument):
        libplatform.check_tenant_name(libplatform.default_spec(), "Not_A_Label")


def test_can_reach_gives_a_verdict_with_its_reasons(libplatform, tree):
    view = libplatform.network_view(tree)
    assert {"user-alice", "user-bob", "kafka", "kube-system"} <= set(view.namespaces)
    denied = view.can_reach("user-alice", "user-bob", 8080)
    assert not denied and denied.allowed is False
    assert denied.denied_by in ("egress", "ingress", "egress and ingress")
    assert denied.reasons and any("default-deny" in r or "user-" in r for r in denied.reasons)
    kafka = view.can_reach("user-alice", "kafka", 9092)
    assert kafka.allowed and "allow-egress-kafka" in kafka.egress and kafka.denied_by == ""
    assert view.can_reach("user-alice", "kube-system", 53, protocol="UDP")
    assert not view.can_reach("user-alice", "kafka", 9999)
    assert view.reachable_ports("user-alice", "kafka").contains(9093)
    assert "Verdict(allowed" in repr(kafka) and kafka._repr_html_().startswith("<table>")
    with pytest.raises(libplatform.NotFound):
        view.can_reach("user-alice", "user-nobody", 80)
    with pytest.raises(libplatform.InvalidArgument):
        view.can_reach("user-alice", "kafka", 9092, protocol="ICMP")


def test_the_matrix_and_check_isolation_show_no_path_between_tenants(libplatform, tree):
    view = libplatform.network_view(tree)
    matrix = view.matrix()
    assert not matrix.ports("user-alice", "user-bob") and not matrix.ports("user-bob", "user-alice")
    assert matrix.ports("user-alice", "kafka").contains(9092)
    assert matrix.ports("user-alice", "external").contains(443)
    html = matrix._repr_html_()
    assert html.startswith("<table>") and "user-alice" in html
    assert "user-alice" in matrix.to_text()
    assert view.check_isolation() == []
    # What if the kafka namespace were not there: every tenant misses that flow.
    missing = view.check_isolation(required=[("no-such-ns", "TCP", 1)])
    assert missing == []        # required flows to namespaces that do not exist are skipped


def test_capacity_of_a_tenant(libplatform, tree, tmp_path):
    cap = libplatform.capacity(tree, "alice")
    assert (cap.namespace, cap.integrations, cap.binding) == ("user-alice", 16, ["limits.cpu"])
    assert any(line.resource == "pods" and line.fits == 20 for line in cap.lines)
    assert cap._repr_html_().startswith("<table>")
    with pytest.raises(libplatform.NotFound):
        libplatform.capacity(tree, "carol")
    tree.write(tmp_path / "out")
    assert libplatform.load_capacity(tmp_path / "out", "bob").integrations == 16
    assert "user-bob" in libplatform.load_network_view(tmp_path / "out").namespaces
