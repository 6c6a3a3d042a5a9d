#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""A Python transformer's messages/s against the same transform in C++, in one
run, over one embedded Kafka cluster.

Every side runs a libplatform Processor (consume -> transform -> produce with
acks=all, offsets committed after delivery) over its own copy of the same
input: N JSON order events, half of them order.created. The transform keeps
order.created, maps order.id to orderId, sets command=ship, keys by orderId.

  cpp        the transform compiled to C++ (CompiledTransform): no Python at all
  py-wrap    a Python function calling that same compiled transform: the
             same work plus exactly the binding's per-message cost (GIL taken,
             Message converted, Python call, result converted)
  py-native  the transform written in Python (json.loads / json.dumps)
  py-noop    a Python function returning its input: the binding's floor

Baselines measured in the same run, in C++: a bare GIL round trip
(acquire + release from a thread without it) and a C++ -> Python call of a
function taking a Message.

Usage: PYTHONUSERBASE=<build>/python python3 python_transform_bench.py [N] [rounds]
"""

import json
import statistics
import sys
import time
import uuid

import libplatform as lp

N = int(sys.argv[1]) if len(sys.argv) > 1 else 50000
ROUNDS = int(sys.argv[2]) if len(sys.argv) > 2 else 3
SPEC = {"filter": [{"field": "type", "equals": "order.created"}], "map": {"orderId": "order.id"},
        "set": {"command": "ship"}, "key": "orderId"}


def python_transform(message):
    event = json.loads(message.payload)
    if event.get("type") != "order.created":
        return None
    order_id = event["order"]["id"]
    return lp.Message(json.dumps({"orderId": order_id, "command": "ship"}), key=order_id)


def main():
    compiled = lp.CompiledTransform(SPEC)
    sides = {
        "cpp": compiled,
        "py-wrap": lambda m: compiled(m),
        "py-native": python_transform,
        "py-noop": lambda m: m,
    }
    payloads = [json.dumps({"type": "order.created" if i % 2 == 0 else "order.paid",
                            "order": {"id": f"o{i}", "customer": "c", "total": i}}) for i in range(N)]
    with lp.EmbeddedKafka(brokers=2) as kafka:   # the seed topics have 2 replicas
        rates = {name: [] for name in sides}
        for r in range(ROUNDS):
            for name, process in sides.items():
                source, sink = f"in-{uuid.uuid4().hex[:8]}", f"out-{uuid.uuid4().hex[:8]}"
                kafka.create_topic(source, 6)
                kafka.create_topic(sink, 6)
                with lp.KafkaProducer(kafka.bootstrap_servers, linger_ms=5) as producer:
                    for i, p in enumerate(payloads):
                        producer.send(source, p, key=f"o{i}")
                    producer.flush(timeout=120)
                flow = lp.Processor(f"bench-{name}-{r}", [source], sink, process,
                                    bootstrap_servers=kafka.bootstrap_servers, name=name)
                # The clock starts at the first input (the group join takes ~3 s on the mock).
                start = [None]

                def progress(m, start=start):
                    if start[0] is None and m.messages_in:
                        start[0] = (time.perf_counter(), m.done)

                flow.run(max_messages=N, duration=300, on_progress=progress, progress_interval=0.01)
                end = time.perf_counter()
                m = flow.metrics
                filtered = 0 if name == "py-noop" else N // 2   # the no-op keeps every input
                assert m.done == N and m.filtered == filtered, (name, m)
                t0, done0 = start[0]
                rates[name].append((N - done0) / (end - t0))
                flow.close()

    gil_n, call_n = 2_000_000, 500_000
    gil_ns = lp._core._bench_gil_round_trips(gil_n) / gil_n * 1e9
    msg = lp.Message(payloads[0], key="o0")
    call_ns = lp._core._bench_python_calls(lambda m: m, msg, call_n) / call_n * 1e9

    med = {name: statistics.median(v) for name, v in rates.items()}
    print(f"{N} messages per side, {ROUNDS} rounds (median msgs/s), 2-broker embedded Kafka, acks=all")
    for name, value in med.items():
        print(f"  {name:10s} {value:10.0f} msgs/s   ({', '.join(f'{x:.0f}' for x in rates[name])})")
    over = lambda name: (1 / med[name] - 1 / med["cpp"]) * 1e9  # noqa: E731
    print(f"ratio py-wrap/cpp   {med['py-wrap'] / med['cpp']:.3f}   Python overhead {over('py-wrap'):.0f} ns/msg")
    print(f"ratio py-native/cpp {med['py-native'] / med['cpp']:.3f}   extra per msg {over('py-native'):.0f} ns")
    print(f"bare GIL round trip          {gil_ns:.0f} ns")
    print(f"C++ -> Python call (GIL+call) {call_ns:.0f} ns")


if __name__ == "__main__":
    main()
