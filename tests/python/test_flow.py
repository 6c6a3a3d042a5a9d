# SPDX-License-Identifier: Apache-2.0
"""Flows over the embedded Kafka: Python callables as process functions
(at least once, outputs counted), filtering and fan-out, exceptions under the
error policy (retry, dead letter, or the run stops and re-raises), declarative
transforms, flow files and metrics, and a bridge to the real RabbitMQ."""

import json
import uuid

import pytest


@pytest.fixture(scope="module")
def kafka(libplatform):
    with libplatform.EmbeddedKafka(brokers=2) as cluster:   # the seed topics have 2 replicas
        yield cluster


def topics(kafka, *names):
    out = [f"{n}-{uuid.uuid4().hex[:8]}" for n in names]
    for t in out:
        kafka.create_topic(t, 3)
    return out


def produce(libplatform, kafka, topic, payloads):
    with libplatform.KafkaProducer(kafka.bootstrap_servers) as producer:
        for i, p in enumerate(payloads):
            producer.send(topic, p, key=f"k{i}")
        producer.flush()


def read_all(libplatform, kafka, topic, count):
    records = []
    with libplatform.KafkaConsumer(f"r-{uuid.uuid4().hex[:8]}", [topic],
                                   bootstrap_servers=kafka.bootstrap_servers) as consumer:
        for _ in range(80):
            records += consumer.poll(timeout=0.25)
            if len(records) >= count:
                # A short extra poll: duplicates would show up here.
                records += consumer.poll(timeout=0.5)
                break
    return records


def processor(libplatform, kafka, source, sink, process, **options):
    return libplatform.Processor(f"g-{uuid.uuid4().hex[:8]}", [source], sink, process,
                                 bootstrap_servers=kafka.bootstrap_servers, **options)


def test_a_python_function_transforms_every_input_at_least_once(libplatform, kafka):
    source, sink = topics(kafka, "in", "out")
    produce(libplatform, kafka, source, [f"event {i}" for i in range(300)])
    calls = []

    def shout(message):
        calls.append(message.key)
        return message.payload.upper()

    flow = processor(libplatform, kafka, source, sink, shout)
    flow.run(max_messages=300, duration=60)
    metrics = flow.metrics
    assert (metrics.messages_in, metrics.done, metrics.messages_out) == (300, 300, 300)
    outputs = read_all(libplatform, kafka, sink, 300)
    assert {r.payload for r in outputs} == {f"EVENT {i}".encode() for i in range(300)}   # every input, once or more
    assert all(r.key == f"k{r.payload.split()[1].decode()}".encode() for r in outputs)   # bytes keep the input's key
    assert len(calls) >= 300


def test_none_filters_and_a_list_fans_out(libplatform, kafka):
    source, sink = topics(kafka, "in", "out")
    produce(libplatform, kafka, source, [str(i) for i in range(100)])

    def split_evens(message):
        n = int(message.payload)
        if n % 2:
            return None
        return [libplatform.Message(f"{n}-a", key="a"), f"{n}-b"]

    flow = processor(libplatform, kafka, source, sink, split_evens)
    flow.run(max_messages=100, duration=60)
    assert (flow.metrics.filtered, flow.metrics.messages_out) == (50, 100)
    outputs = read_all(libplatform, kafka, sink, 100)
    assert {r.payload for r in outputs} == {f"{n}-{s}".encode() for n in range(0, 100, 2) for s in "ab"}


def test_exceptions_are_retried_then_dead_lettered(libplatform, kafka):
    source, sink, dlq = topics(kafka, "in", "out", "dlq")
    produce(libplatform, kafka, source, [str(i) for i in range(50)])
    attempts = {}

    def fragile(message):
        n = int(message.payload)
        attempts[n] = attempts.get(n, 0) + 1
        if n % 10 == 0:
            raise RuntimeError(f"cannot handle {n}")
        return message

    policy = libplatform.FlowErrorPolicy(max_attempts=3, backoff=0.001, dead_letter=f"kafka:{dlq}")
    flow = processor(libplatform, kafka, source, sink, fragile, errors=policy)
    flow.run(max_messages=50, duration=60)
    assert (flow.metrics.dead_lettered, flow.metrics.messages_out) == (5, 45)
    assert all(attempts[n] == 3 for n in range(0, 50, 10))
    dead = read_all(libplatform, kafka, dlq, 5)
    assert sorted(int(r.payload) for r in dead) == [0, 10, 20, 30, 40]
    assert "RuntimeError: cannot handle" in dead[0].message.header("platform.dlq.error").decode()


def test_value_error_is_permanent_no_retries(libplatform, kafka):
    source, sink, dlq = topics(kafka, "in", "out", "dlq")
    produce(libplatform, kafka, source, ["not json"])
    calls = []

    def parse(message):
        calls.append(1)
        return json.dumps(json.loads(message.payload))   # ValueError

    policy = libplatform.FlowErrorPolicy(max_attempts=5, backoff=0.001, dead_letter=f"kafka:{dlq}")
    flow = processor(libplatform, kafka, source, sink, parse, errors=policy)
    flow.run(max_messages=1, duration=60)
    assert (len(calls), flow.metrics.retried, flow.metrics.dead_lettered) == (1, 0, 1)


class Poison(Exception):
    pass


def test_without_a_dead_letter_the_run_stops_and_re_raises_the_python_exception(libplatform, kafka):
    source, sink = topics(kafka, "in", "out")
    produce(libplatform, kafka, source, ["ok", "poison", "ok"])

    def picky(message):
        if message.payload == b"poison":
            raise Poison("this one")
        return message

    flow = processor(libplatform, kafka, source, sink, picky,
                     errors=libplatform.FlowErrorPolicy(max_attempts=2, backoff=0.001))
    with pytest.raises(Poison, match="this one"):
        flow.run(duration=60)


def test_a_progress_callback_that_raises_stops_the_run(libplatform, kafka):
    source, sink = topics(kafka, "in", "out")

    def progress(metrics):
        raise OSError("stop now")

    flow = processor(libplatform, kafka, source, sink, lambda m: m)
    with pytest.raises(OSError, match="stop now"):
        flow.run(duration=60, on_progress=progress, progress_interval=0.05)


def test_a_declarative_transformer_and_a_compiled_transform(libplatform, kafka):
    source, sink = topics(kafka, "events", "commands")
    events = [{"type": "order.created" if i % 2 == 0 else "order.paid", "order": {"id": f"o{i}", "total": i}}
              for i in range(40)]
    produce(libplatform, kafka, source, [json.dumps(e) for e in events])
    spec = {"filter": [{"field": "type", "equals": "order.created"}], "map": {"orderId": "order.id"},
            "set": {"command": "ship"}, "key": "orderId"}
    compiled = libplatform.CompiledTransform(spec)
    [out] = compiled(libplatform.Message(json.dumps(events[0])))
    assert (json.loads(out.payload), out.key) == ({"orderId": "o0", "command": "ship"}, b"o0")
    assert compiled(libplatform.Message(json.dumps(events[1]))) == []
    with pytest.raises(libplatform.InvalidArgument):
        compiled(libplatform.Message(b"[1, 2]"))

    flow = libplatform.Transformer(f"g-{uuid.uuid4().hex[:8]}", [source], sink, spec,
                                   bootstrap_servers=kafka.bootstrap_servers)
    flow.run(max_messages=40, duration=60)
    assert (flow.metrics.filtered, flow.metrics.messages_out) == (20, 20)
    outputs = read_all(libplatform, kafka, sink, 20)
    assert {r.key for r in outputs} == {f"o{i}".encode() for i in range(0, 40, 2)}


def test_bad_flow_options_raise_invalid_argument(libplatform, kafka):
    with pytest.raises(libplatform.InvalidArgument, match="filtr"):
        libplatform.CompiledTransform({"filtr": []})
    with pytest.raises(libplatform.InvalidArgument):
        libplatform.Processor("", ["in"], "out", lambda m: m, bootstrap_servers=kafka.bootstrap_servers)
    with pytest.raises(libplatform.InvalidArgument, match="guarantee"):
        libplatform.Processor("g", ["in"], "out", lambda m: m, guarantee="twice")
    with pytest.raises(TypeError):
        libplatform.Processor("g", ["in"], "out", 42, bootstrap_servers=kafka.bootstrap_servers)


def test_a_flow_file_runs_and_its_metrics_display(libplatform, kafka, tmp_path):
    source, sink = topics(kafka, "in", "out")
    produce(libplatform, kafka, source, [json.dumps({"n": i}) for i in range(30)])
    path = tmp_path / "flow.yaml"
    path.write_text(f"""apiVersion: libplatform.io/v1
kind: Flow
metadata: {{name: copy-n}}
spec:
  pattern: transform
  from: kafka:{source}?groupId=g-{uuid.uuid4().hex[:8]}
  to: kafka:{sink}
  transform: {{set: {{copied: true}}}}
  kafka: {{bootstrapServers: "{kafka.bootstrap_servers}"}}
""")
    file = libplatform.load_flow_file(path)
    assert (file.name, file.pattern, file.to) == ("copy-n", "transform", f"kafka:{sink}")
    flow = libplatform.Flow(file)
    flow.run(max_messages=30, duration=60)
    metrics = flow.metrics
    assert metrics.done == 30 and metrics.rate > 0
    assert 'platform_flow_messages_in_total{flow="copy-n"} 30' in metrics.to_prometheus()
    assert metrics._repr_html_().startswith("<table>")
    assert all(json.loads(r.payload)["copied"] is True for r in read_all(libplatform, kafka, sink, 30))
    with pytest.raises(libplatform.InvalidArgument, match="flow.yaml"):
        libplatform.parse_flow_file("apiVersion: libplatform.io/v1\nkind: Flow\nspec: {patern: x}\n", "flow.yaml")


@pytest.mark.parametrize("kafka_metadata", [True, False])
def test_a_bridge_to_rabbitmq_with_and_without_the_kafka_metadata_headers(libplatform, kafka, kafka_metadata):
    (source,) = topics(kafka, "to-rabbit")
    produce(libplatform, kafka, source, [f"event {i}" for i in range(3)])
    queue = f"py-bridge-{uuid.uuid4().hex[:8]}"
    try:
        with libplatform.KafkaToRabbitBridge(f"g-{uuid.uuid4().hex[:8]}", [source], queue=queue,
                                             bootstrap_servers=kafka.bootstrap_servers,
                                             kafka_metadata=kafka_metadata,
                                             connections=1 if kafka_metadata else 3) as bridge:
            bridge.run(duration=60, max_messages=3)
            assert bridge.metrics.messages_out == 3
        with libplatform.AmqpConsumer(queue=queue, prefetch=10) as consumer:
            got = [consumer.consume(timeout=5.0) for _ in range(3)]
        assert all(d is not None for d in got)
        assert sorted(d.message.payload for d in got) == [f"event {i}".encode() for i in range(3)]
        for d in got:
            names = set(d.properties.headers)
            if kafka_metadata:
                assert {"kafka.key", "kafka.timestamp"} <= names
            else:
                assert not any(n.startswith("kafka.") for n in names), names
        with pytest.raises(libplatform.InvalidArgument, match="connections must be 1 to 16, not 0"):
            libplatform.KafkaToRabbitBridge("g", [source], queue=queue, connections=0)
    finally:
        with libplatform.AmqpTopology() as topology:
            topology.delete_queue(queue)
