# SPDX-License-Identifier: Apache-2.0
"""RabbitMQ through Python against the real broker: publish/confirm/consume, errors,
the GIL released while a call blocks, and callbacks that raise."""

import threading
import uuid

import pytest


@pytest.fixture
def queue(libplatform):
    name = f"py-{uuid.uuid4().hex[:12]}"
    try:
        topology = libplatform.AmqpTopology()
    except libplatform.Unavailable as error:
        pytest.fail(f"RabbitMQ must be running for this test (rabbitmq-server -detached): {error}")
    with topology:
        info = topology.declare_queue(name)
        assert (info.name, info.message_count) == (name, 0)
        yield name
        topology.delete_queue(name)


def test_publish_confirm_consume_ack(libplatform, queue):
    confirmations = []
    with libplatform.AmqpPublisher(on_confirm=confirmations.append) as publisher:
        tickets = [publisher.publish("", queue, libplatform.Message(f"event {i}", headers=[("trace", b"\x00\x01")]),
                                     libplatform.AmqpProperties(content_type="text/plain", headers={"n": i}))
                   for i in range(5)]
        publisher.wait_for_confirms()
        assert publisher.stats.confirmed == 5 and publisher.unconfirmed == 0
    assert [(c.ticket, c.outcome, c.ok) for c in confirmations] == [(t, "confirmed", True) for t in tickets]

    with libplatform.AmqpConsumer(queue=queue, prefetch=10) as consumer:
        got = []
        for _ in range(5):
            delivery = consumer.consume(timeout=5.0)
            assert delivery is not None
            got.append(delivery)
            consumer.ack(delivery.delivery_tag)
        assert consumer.consume(timeout=0.2) is None
        assert consumer.stats.acked == 5
    assert [d.message.payload for d in got] == [f"event {i}".encode() for i in range(5)]
    assert got[0].message.header("trace") == b"\x00\x01"
    assert got[3].properties.headers["n"] == 3 and got[3].properties.content_type == "text/plain"
    assert got[0].routing_key == queue and not got[0].redelivered


def test_unroutable_message_raises_not_found_and_calls_back(libplatform):
    confirmations = []
    with libplatform.AmqpPublisher() as publisher:
        publisher.publish("", f"no-queue-{uuid.uuid4().hex}", libplatform.Message(b"lost"),
                          on_confirm=confirmations.append)
        with pytest.raises(libplatform.NotFound):
            publisher.wait_for_confirms()
    assert [c.outcome for c in confirmations] == ["returned"]
    assert not confirmations[0].ok and "no-queue-" in confirmations[0].message


def test_errors_carry_their_class(libplatform):
    with pytest.raises(libplatform.NotFound, match="Declare it first"):
        libplatform.AmqpConsumer(queue=f"absent-{uuid.uuid4().hex}")
    unreachable = libplatform.AmqpConnection(port=1, connect_timeout=0.5,
                                             reconnect=libplatform.AmqpReconnect(max_attempts=0))
    with pytest.raises(libplatform.Unavailable, match="127.0.0.1:1"):
        libplatform.AmqpPublisher(unreachable)
    with pytest.raises(TypeError, match="has no field 'hots'"):
        libplatform.AmqpConnection(hots="x")
    assert "secret" not in repr(libplatform.AmqpConnection(password="secret"))


def test_closed_client_raises_failed_precondition(libplatform, queue):
    consumer = libplatform.AmqpConsumer(queue=queue)
    consumer.close()
    with pytest.raises(libplatform.FailedPrecondition):
        consumer.consume(timeout=0.1)


def test_the_gil_is_released_while_consume_blocks(libplatform, queue):
    counter = {"n": 0, "stop": False}

    def spin():
        while not counter["stop"]:
            counter["n"] += 1

    spinner = threading.Thread(target=spin)
    spinner.start()
    try:
        with libplatform.AmqpConsumer(queue=queue) as consumer:
            before = counter["n"]
            assert consumer.consume(timeout=1.0) is None  # blocks a whole second on the empty queue
            during = counter["n"] - before
    finally:
        counter["stop"] = True
        spinner.join()
    # With the GIL held for the call the spinning thread could not have run at all.
    assert during > 1000


def test_a_blocked_consumer_gets_what_another_thread_publishes(libplatform, queue):
    result = {}

    def consume():
        with libplatform.AmqpConsumer(queue=queue) as consumer:
            result["delivery"] = consumer.consume(timeout=30.0)

    thread = threading.Thread(target=consume)
    thread.start()
    with libplatform.AmqpPublisher() as publisher:
        publisher.publish("", queue, libplatform.Message(b"wake up"))
        publisher.wait_for_confirms()
    thread.join()
    assert result["delivery"].message.payload == b"wake up"


def test_a_callback_that_raises_is_reported_not_fatal(libplatform, queue):
    calls = []

    def on_confirm(confirmation):
        calls.append(confirmation.ticket)
        raise ValueError(f"bad callback for {confirmation.ticket}")

    with libplatform.AmqpPublisher(on_confirm=on_confirm) as publisher:
        first = publisher.publish("", queue, libplatform.Message(b"1"))
        publisher.publish("", queue, libplatform.Message(b"2"))
        with pytest.raises(ValueError, match=f"bad callback for {first}"):
            publisher.wait_for_confirms()
        # The publisher stays usable and every message was still settled.
        assert len(calls) == 2
        publisher.publish("", queue, libplatform.Message(b"3"), on_confirm=lambda c: None)
        publisher.wait_for_confirms()
        assert publisher.stats.confirmed == 3
