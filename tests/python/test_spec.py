# SPDX-License-Identifier: Apache-2.0
"""The spec API: defaults, attribute access, overrides, loading with located errors, round trips."""

import copy

import pytest


def test_the_default_spec_is_the_seed(libplatform):
    spec = libplatform.default_spec()
    assert spec == libplatform.PlatformSpec()
    assert spec.kafka.brokers == 3
    assert [(t.name, t.partitions, t.replicas) for t in spec.kafka.topics] == [
        ("events", 6, 2), ("commands", 3, 2), ("notifications", 3, 2)]
    assert spec.rabbitmq.amqp_port == 5672
    assert spec.operators.strimzi.version == "0.43.0"
    assert isinstance(spec.kafka, libplatform.KafkaSpec)
    assert isinstance(spec.kafka.topics[0], libplatform.KafkaTopic)


def test_set_overrides_and_their_errors(libplatform):
    spec = libplatform.default_spec(set=["kafka.brokers=5", "kafka.topics[0].partitions=12"])
    assert (spec.kafka.brokers, spec.kafka.topics[0].partitions) == (5, 12)
    with pytest.raises(libplatform.InvalidArgument) as raised:
        libplatform.default_spec(set=["kafka.brokerz=5"])
    detail = raised.value.details[0]
    assert detail["path"] == "kafka.brokerz"
    assert "did you mean 'brokers'" in detail["message"]


def test_nested_attributes_are_writable_in_place(libplatform):
    spec = libplatform.PlatformSpec()
    spec.kafka.brokers = 4
    spec.tenant_defaults.quota.pods = 40
    assert spec.kafka.brokers == 4 and spec.tenant_defaults.quota.pods == 40
    with pytest.raises(TypeError):
        spec.kafka.brokers = "four"


def test_lists_are_copies_and_are_replaced_whole(libplatform):
    spec = libplatform.PlatformSpec()
    spec.kafka.topics.append(libplatform.KafkaTopic(name="lost"))
    assert len(spec.kafka.topics) == 3
    spec.kafka.topics = spec.kafka.topics + [libplatform.KafkaTopic(name="orders", partitions=12, replicas=2)]
    assert [t.name for t in spec.kafka.topics][-1] == "orders"
    spec.tenants = [libplatform.Tenant(name="team-a")]
    assert spec.tenants[0].name == "team-a"


def test_keyword_constructors_reject_unknown_fields(libplatform):
    topic = libplatform.KafkaTopic(name="orders", partitions=12, config={"retention.ms": "1000"})
    assert (topic.name, topic.partitions, topic.replicas, topic.config) == ("orders", 12, 1, {"retention.ms": "1000"})
    with pytest.raises(TypeError, match="KafkaTopic has no field 'partition'"):
        libplatform.KafkaTopic(partition=3)


def test_yaml_round_trip_and_to_dict(libplatform):
    spec = libplatform.default_spec(set=["kafka.brokers=5"])
    spec.tenants = [libplatform.Tenant(name="team-a")]
    again = libplatform.parse_spec(spec.to_yaml())
    assert again == spec
    as_dict = spec.to_dict()
    assert as_dict["kafka"]["brokers"] == 5
    assert as_dict["kafka"]["topics"][0] == {"name": "events", "partitions": 6, "replicas": 2, "config": {}}
    assert as_dict["tenants"][0]["name"] == "team-a"
    assert '"brokers": 5' in spec.to_json()


def test_copies_are_independent(libplatform):
    spec = libplatform.PlatformSpec()
    other = copy.deepcopy(spec)
    other.kafka.brokers = 9
    assert spec.kafka.brokers == 3 and other != spec


def test_load_spec_reports_every_problem_with_its_location(libplatform, tmp_path):
    path = tmp_path / "platform.yaml"
    path.write_text("kafka:\n  brokers: 1\n  topics:\n    - name: events\n      partitions: 0\n")
    with pytest.raises(libplatform.InvalidArgument) as raised:
        libplatform.load_spec(path)
    error = raised.value
    assert error.code == "invalid_argument"
    paths = {d["path"] for d in error.details}
    assert "kafka.topics[0].partitions" in paths
    located = [d for d in error.details if d["path"] == "kafka.topics[0].partitions"][0]
    assert located["location"].startswith(f"{path}:5:")
    assert str(path) in str(error)


def test_load_spec_with_overrides_and_missing_file(libplatform, tmp_path):
    path = tmp_path / "platform.yaml"
    path.write_text(libplatform.init_yaml())
    assert libplatform.load_spec(str(path), set=["rabbitmq.replicas=5"]).rabbitmq.replicas == 5
    with pytest.raises(libplatform.NotFound) as raised:
        libplatform.load_spec(tmp_path / "absent.yaml")
    assert "absent.yaml" in str(raised.value)


def test_check_lists_broken_rules(libplatform):
    spec = libplatform.PlatformSpec()
    spec.kafka.brokers = 1
    with pytest.raises(libplatform.InvalidArgument) as raised:
        spec.check()
    assert any(d["path"].startswith("kafka.topics") for d in raised.value.details)
    libplatform.PlatformSpec().check()


def test_help_shows_real_docstrings(libplatform):
    assert "Helm-style overrides" in libplatform.default_spec.__doc__
    assert "set" in libplatform.default_spec.__doc__.splitlines()[0]  # the signature line names the argument
    assert libplatform.PlatformSpec.kafka.__doc__.strip() == "The Strimzi Kafka cluster event-cluster."
    assert "Number of partitions" in libplatform.KafkaTopic.partitions.__doc__
    fields = libplatform.spec_fields()
    assert {"path": "kafka.brokers", "type": "integer", "default": "3"}.items() <= \
        next(f for f in fields if f["path"] == "kafka.brokers").items()
