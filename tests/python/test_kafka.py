# SPDX-License-Identifier: Apache-2.0
"""The Kafka binding over the embedded cluster: produce/consume with keys and
headers, delivery results, commits, fault injection, errors, the GIL released
while poll() blocks, and delivery callbacks that raise."""

import threading
import time
import uuid

import pytest


@pytest.fixture(scope="module")
def kafka(libplatform):
    with libplatform.EmbeddedKafka(brokers=3) as cluster:
        yield cluster


def fresh_topic(kafka, partitions=3):
    name = f"t-{uuid.uuid4().hex[:10]}"
    kafka.create_topic(name, partitions)
    return name


def consume(libplatform, kafka, topic, count, **options):
    """Polls a new group until `count` records came; marks them processed and commits."""
    records = []
    with libplatform.KafkaConsumer(f"g-{uuid.uuid4().hex[:8]}", [topic], bootstrap_servers=kafka.bootstrap_servers,
                                   commit_mode="manual", **options) as consumer:
        for _ in range(60):
            for record in consumer.poll(timeout=0.5):
                records.append(record)
                consumer.mark_processed(record)
            if len(records) >= count:
                break
        consumer.commit()
        committed = consumer.committed(consumer.assignment())
    return records, committed


def test_the_embedded_cluster_has_the_seed_topics_and_a_bootstrap_address(libplatform, kafka):
    assert kafka.brokers == 3
    assert kafka.bootstrap_servers.count("127.0.0.1:") == 3
    with libplatform.KafkaProducer(kafka.bootstrap_servers) as producer:
        partitions = {producer.send("events", b"x", key=f"k{i}").result(timeout=30).partition for i in range(60)}
    assert partitions <= set(range(6)) and len(partitions) > 1   # events has 6 partitions


def test_records_keep_key_payload_and_headers_and_commits_follow_marks(libplatform, kafka):
    topic = fresh_topic(kafka)
    with libplatform.KafkaProducer(kafka.bootstrap_servers) as producer:
        deliveries = [producer.send(topic, libplatform.Message(f"payload-{i}", key=f"key-{i % 5}",
                                                               headers=[("trace", b"t"), ("n", str(i))]))
                      for i in range(20)]
        producer.flush()
    assert all(d.done and d.report.ok and d.report.offset >= 0 for d in deliveries)
    records, committed = consume(libplatform, kafka, topic, 20)
    assert sorted(r.payload for r in records) == sorted(f"payload-{i}".encode() for i in range(20))
    by_payload = {r.payload: r for r in records}
    assert by_payload[b"payload-7"].key == b"key-2"
    assert by_payload[b"payload-7"].headers == [("trace", b"t"), ("n", b"7")]
    # Everything was marked: the committed offsets add up to the records.
    assert sum(committed.values()) == 20


def test_send_overrides_key_and_headers_and_reports_to_a_callback(libplatform, kafka):
    topic = fresh_topic(kafka, partitions=1)
    reports = []
    with libplatform.KafkaProducer(kafka.bootstrap_servers, on_delivery=reports.append) as producer:
        producer.send(topic, "a", key="k", headers=[("h", "v")])
        producer.send(topic, b"b", partition=0)
        producer.flush()
    assert [(r.topic, r.partition, r.offset, r.ok) for r in reports] == [(topic, 0, 0, True), (topic, 0, 1, True)]
    records, _ = consume(libplatform, kafka, topic, 2)
    assert (records[0].key, records[0].headers) == (b"k", [("h", b"v")])


def test_a_delivery_callback_that_raises_is_re_raised_by_flush(libplatform, kafka):
    topic = fresh_topic(kafka)
    calls = []

    def explode(report):
        calls.append(report.offset)
        if len(calls) == 1:
            raise RuntimeError(f"callback saw offset {report.offset}")

    producer = libplatform.KafkaProducer(kafka.bootstrap_servers)
    deliveries = []
    with pytest.raises(RuntimeError, match="callback saw offset"):
        for _ in range(5):      # the delivery thread may report before the last send: send() raises then
            deliveries.append(producer.send(topic, b"x", on_delivery=explode))
        producer.flush()
    producer.flush()             # raised once; every report of what was sent still arrived
    assert deliveries and all(d.done and d.report.ok for d in deliveries)
    assert len(calls) == len(deliveries)
    producer.close()


def test_fault_injection_retries_and_unknown_brokers(libplatform, kafka):
    topic = fresh_topic(kafka)
    kafka.push_request_errors(libplatform.KafkaApi.PRODUCE, [libplatform.BrokerError.NOT_ENOUGH_REPLICAS] * 2)
    with libplatform.KafkaProducer(kafka.bootstrap_servers) as producer:
        report = producer.send(topic, b"survives retriable errors").result(timeout=30)
    assert report.ok and report.offset == 0
    with pytest.raises(libplatform.NotFound):
        kafka.broker_down(99)
    kafka.broker_down(2)
    kafka.broker_up(2)
    # An unknown partition is NotFound. (An unknown *topic* is not: librdkafka
    # 2.0.2's mock cluster creates it on the spot.)
    with pytest.raises(libplatform.NotFound):
        kafka.set_leader(topic, 99, 1)


def test_bad_input_raises_the_library_errors(libplatform, kafka):
    with pytest.raises(libplatform.InvalidArgument):
        libplatform.EmbeddedKafka(brokers=0)
    with pytest.raises(libplatform.InvalidArgument):
        libplatform.KafkaConsumer("", ["events"], bootstrap_servers=kafka.bootstrap_servers)
    with pytest.raises(libplatform.InvalidArgument, match="commit_mode"):
        libplatform.KafkaConsumer("g", ["events"], bootstrap_servers=kafka.bootstrap_servers, commit_mode="sometimes")
    with pytest.raises(libplatform.InvalidArgument):
        libplatform.KafkaProducer(kafka.bootstrap_servers, acks="most")
    with pytest.raises(TypeError):
        libplatform.KafkaProducer(kafka.bootstrap_servers).send("events", 42)


def test_a_closed_cluster_refuses_calls(libplatform):
    with libplatform.EmbeddedKafka(brokers=1, topics=[libplatform.KafkaTopic(name="only", partitions=2)]) as k:
        assert k.brokers == 1
    with pytest.raises(libplatform.FailedPrecondition):
        k.bootstrap_servers


def test_the_gil_is_released_while_poll_blocks(libplatform, kafka):
    topic = fresh_topic(kafka)
    with libplatform.KafkaConsumer(f"g-{uuid.uuid4().hex[:8]}", [topic],
                                   bootstrap_servers=kafka.bootstrap_servers) as consumer:
        consumer.poll(timeout=0.1)
        counter, stop = [0], threading.Event()

        def spin():
            while not stop.is_set():
                counter[0] += 1

        spinner = threading.Thread(target=spin)
        spinner.start()
        try:
            start = counter[0]
            time.sleep(0.2)                             # what the spinner counts in 0.2 s with the GIL free
            free = counter[0] - start
            before = counter[0]
            assert consumer.poll(timeout=1.0) == []     # nothing to read: blocks the whole second
            during = counter[0] - before
        finally:
            stop.set()
            spinner.join()
    # With the GIL held for the call the spinner could only have counted in one
    # switch interval (5 ms, ~1/40 of `free`); released, it counts for a second (~5x `free`).
    assert during > free


def test_rebalance_callbacks_run_in_poll_and_their_exceptions_are_re_raised(libplatform, kafka):
    topic = fresh_topic(kafka)
    seen = []

    def on_rebalance(assigned, partitions):
        seen.append((assigned, sorted(partitions)))
        if assigned:
            raise KeyError("from the rebalance callback")

    with libplatform.KafkaConsumer(f"g-{uuid.uuid4().hex[:8]}", [topic], bootstrap_servers=kafka.bootstrap_servers,
                                   on_rebalance=on_rebalance) as consumer:
        with pytest.raises(KeyError, match="rebalance callback"):
            for _ in range(40):
                consumer.poll(timeout=0.25)
        assert seen[0] == (True, [(topic, 0), (topic, 1), (topic, 2)])
        consumer.pause([(topic, 0)])
        consumer.resume([(topic, 0)])
        with pytest.raises(libplatform.InvalidArgument):
            consumer.pause([("not-assigned", 0)])
