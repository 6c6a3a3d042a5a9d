# SPDX-License-Identifier: Apache-2.0
"""Rendering from Python: to objects (dicts), to a directory, errors, the notebook table."""

import pytest


def test_render_to_objects(libplatform):
    tree = libplatform.render(libplatform.default_spec())
    objects = tree.objects()
    assert objects[0]["kind"] == "Namespace"  # apply order: namespaces first
    kafka = [o for o in objects if o["kind"] == "Kafka"]
    assert len(kafka) == 1 and kafka[0]["spec"]["kafka"]["replicas"] == 3
    topics = {o["metadata"]["name"]: o["spec"]["partitions"] for o in objects if o["kind"] == "KafkaTopic"}
    assert topics["events"] == 6
    assert len(tree) == len(tree.manifests) >= len(objects)
    assert [c.wave for c in tree.components] == sorted(c.wave for c in tree.components)
    manifest = next(m for m in tree.manifests if m.kind == "Kafka")
    assert manifest.to_dict() == kafka[0] and manifest.path.startswith("kafka/")


def test_the_spec_drives_the_render(libplatform):
    spec = libplatform.default_spec(set=["kafka.brokers=5"])
    spec.tenants = [libplatform.Tenant(name="team-a")]
    tree = libplatform.render(spec)
    kafka = next(m for m in tree.manifests if m.kind == "Kafka").to_dict()
    assert kafka["spec"]["kafka"]["replicas"] == 5
    assert any(m.kind == "Namespace" and m.name == "user-team-a" for m in tree.manifests)
    assert libplatform.tenant_namespace(spec.tenants[0]) == "user-team-a"
    assert not any(m.name == "user-team-a" for m in libplatform.render(spec, tenants=False).manifests)


def test_render_to_a_directory_that_validates(libplatform, tmp_path):
    tree = libplatform.render()
    out = tmp_path / "manifests"
    tree.write(out)
    files = tree.files()
    assert sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file()) == sorted(files)
    assert (out / "kustomization.yaml").read_text() == files["kustomization.yaml"]
    report = libplatform.validate_path(out)
    assert report.valid, report.to_text()
    assert "kind: Kafka" in tree.to_yaml()


def test_write_refuses_a_foreign_directory(libplatform, tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(libplatform.FailedPrecondition):
        libplatform.render().write(tmp_path)
    assert (tmp_path / "notes.txt").read_text() == "mine"


def test_duplicate_tenants_are_refused(libplatform):
    spec = libplatform.PlatformSpec()
    spec.tenants = [libplatform.Tenant(name="a"), libplatform.Tenant(name="a")]
    with pytest.raises(libplatform.InvalidArgument):
        libplatform.render(spec)


def test_the_tree_shows_as_a_table(libplatform):
    page = libplatform.render()._repr_html_()
    assert page.startswith("<table>") and "kafka/" in page and "KafkaTopic" in page
