// SPDX-License-Identifier: Apache-2.0
// platformctl kafka up | produce | consume.

#include <pthread.h>
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>

#include <nlohmann/json.hpp>

#include "command.hpp"
#include "spec_options.hpp"
#include "platform/kafka/consumer.hpp"
#include "platform/kafka/embedded_cluster.hpp"
#include "platform/kafka/producer.hpp"

namespace platformctl {
namespace {

namespace kafka = platform::kafka;
using namespace std::chrono_literals;

constexpr const char* kBootstrapEnv = "KAFKA_BOOTSTRAP_SERVERS";

struct UpOptions {
  int brokers = 0;  // 0 = the spec's
  SpecOptions spec;
};

// Security and logging flags of produce and consume: TLS and SASL/PLAIN for
// the platform's secured listeners. The password is read from
// KAFKA_SASL_PASSWORD when not given (keeps it out of `ps`); it is never
// printed, at any -v level.
struct ClientFlags {
  kafka::SecurityOptions security;
  void add_to(CLI::App* cmd) {
    cmd->add_option("--security-protocol", security.protocol,
                    "plaintext | ssl | sasl_plaintext | sasl_ssl (default: derived from the other flags)")
        ->check(CLI::IsMember({"plaintext", "ssl", "sasl_plaintext", "sasl_ssl"}));
    cmd->add_option("--ssl-ca", security.ssl_ca_location, "PEM file of the CA that signed the brokers' certificates");
    cmd->add_option("--sasl-username", security.sasl_username, "SASL/PLAIN user (turns SASL on)");
    cmd->add_option("--sasl-password", security.sasl_password, "SASL/PLAIN password (never printed)")
        ->envname("KAFKA_SASL_PASSWORD");
  }
};

// -v: every library log line; -vv: also librdkafka's broker, security and
// configuration debug lines. The library redacts secrets from all of them.
kafka::LogCallback cli_log(int verbosity) {
  if (verbosity <= 0) return {};
  return [](kafka::LogLevel level, std::string_view line) {
    static std::mutex mu;
    std::lock_guard lock(mu);
    std::cerr << "kafka[" << static_cast<int>(level) << "] " << line << "\n";
  };
}

std::map<std::string, std::string> cli_debug(int verbosity) {
  if (verbosity < 2) return {};
  return {{"debug", "broker,security,conf"}};
}

struct ProduceOptions {
  ClientFlags client;
  double timeout = 30;
  std::string bootstrap;
  std::string topic;
  std::string key;
  std::vector<std::string> headers;
  int partition = -1;
  std::string value;
};

struct ConsumeOptions {
  ClientFlags client;
  std::string bootstrap;
  std::string topic;
  bool from_beginning = false;
  long max = 0;
  std::string group;
  double idle_timeout = 0;
};

platform::Status need_bootstrap(const std::string& bootstrap) {
  if (!bootstrap.empty()) return {};
  return platform::invalid_argument(
      "--bootstrap-servers is required (or set KAFKA_BOOTSTRAP_SERVERS): the embedded cluster lives only as long "
      "as the process that started it. Start one with `platformctl kafka up` and pass the first line it prints");
}

int run_up(const UpOptions& o) {
  // Block the stop signals before librdkafka starts its threads, so they all
  // inherit the mask and sigwait() below receives the signal.
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGINT);
  sigaddset(&stop, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop, nullptr);

  auto loaded = o.spec.load();
  if (!loaded.ok()) return report(loaded.status());
  platform::spec::PlatformSpec spec = std::move(*loaded);
  if (o.brokers > 0) spec.kafka.brokers = o.brokers;
  for (auto& t : spec.kafka.topics) {
    if (t.replicas > spec.kafka.brokers) {
      std::cerr << "note: topic " << t.name << " wants " << t.replicas << " replicas; using " << spec.kafka.brokers
                << " (the number of brokers)\n";
      t.replicas = spec.kafka.brokers;
    }
  }
  auto cluster = kafka::EmbeddedCluster::start(spec);
  if (!cluster.ok()) return report(cluster.status());
  std::cout << cluster->bootstrap_servers() << std::endl;  // first line: for scripts
  std::cerr << "embedded Kafka (librdkafka mock): " << cluster->brokers() << " broker(s), topics:";
  for (const auto& t : spec.kafka.topics) std::cerr << " " << t.name << "(" << t.partitions << ")";
  std::cerr << "\n  plaintext only, in memory, ~5 MiB / 100k messages kept per partition; Ctrl-C stops it\n"
            << "  try: kcat -b " << cluster->bootstrap_servers() << " -L\n";
  int sig = 0;
  sigwait(&stop, &sig);
  std::cerr << "stopping the embedded Kafka cluster\n";
  return kExitOk;
}

int run_produce(const ProduceOptions& o, const GlobalOptions& g) {
  if (auto s = need_bootstrap(o.bootstrap); !s.ok()) return report(s);
  platform::Message base;
  base.key = o.key;
  for (const std::string& h : o.headers) {
    auto eq = h.find('=');
    if (eq == std::string::npos || eq == 0) {
      return report(platform::invalid_argument("--header '" + h + "': use name=value"));
    }
    base.headers.push_back({h.substr(0, eq), h.substr(eq + 1)});
  }
  std::vector<std::string> values;
  if (o.value == "-") {
    for (std::string line; std::getline(std::cin, line);) values.push_back(line);
  } else {
    values.push_back(o.value);
  }
  const auto timeout = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::duration<double>(o.timeout));
  auto producer = kafka::Producer::create({.bootstrap_servers = o.bootstrap,
                                           .client_id = "platformctl",
                                           .delivery_timeout = timeout,
                                           .close_timeout = 5s,
                                           .security = o.client.security,
                                           .log = cli_log(g.verbosity),
                                           .extra = cli_debug(g.verbosity)});
  if (!producer.ok()) return report(producer.status());
  std::mutex mu;
  std::vector<kafka::DeliveryReport> reports;
  auto on_delivery = [&](const kafka::DeliveryReport& r) {
    std::lock_guard lock(mu);
    reports.push_back(r);
  };
  for (const std::string& v : values) {
    platform::Message m = base;
    m.payload = v;
    auto s = o.partition >= 0 ? producer->send(o.topic, o.partition, m, on_delivery)
                              : producer->send(o.topic, m, on_delivery);
    if (!s.ok()) return report(s);
  }
  if (auto s = producer->flush(timeout + 10s); !s.ok()) return report(s);
  std::size_t failed = 0;
  for (const auto& r : reports) {
    if (!r.status.ok()) {
      if (failed++ == 0) std::cerr << "error: " << r.status.to_string() << "\n";
    } else if (values.size() == 1) {
      std::cout << r.topic << "/" << r.partition << "@" << r.offset << "\n";
    }
  }
  std::cerr << "produced " << reports.size() - failed << " of " << values.size() << " message(s) to " << o.topic
            << "\n";
  return failed == 0 ? kExitOk : kExitFailure;
}

std::atomic<bool> g_stop{false};
extern "C" void on_stop_signal(int) { g_stop = true; }

int run_consume(const ConsumeOptions& o, const GlobalOptions& g) {
  if (auto s = need_bootstrap(o.bootstrap); !s.ok()) return report(s);
  if (!g.output.empty() && g.output != "json") {
    return report(platform::invalid_argument("-o " + g.output + ": consume prints values, or JSON with -o json"));
  }
  std::signal(SIGINT, on_stop_signal);
  std::signal(SIGTERM, on_stop_signal);
  const std::string group = o.group.empty() ? "platformctl-" + std::to_string(::getpid()) : o.group;
  // A short-lived reader: when it exits, the group (and the embedded
  // cluster's coordinator) should not wait 45 s for it to come back.
  std::map<std::string, std::string> extra{{"session.timeout.ms", "6000"}, {"heartbeat.interval.ms", "500"}};
  extra.merge(cli_debug(g.verbosity));
  auto consumer = kafka::Consumer::create({.bootstrap_servers = o.bootstrap,
                                           .group_id = group,
                                           .topics = {o.topic},
                                           .client_id = "platformctl",
                                           .auto_offset_reset = o.from_beginning ? "earliest" : "latest",
                                           .security = o.client.security,
                                           .log = cli_log(g.verbosity),
                                           .extra = std::move(extra)});
  if (!consumer.ok()) return report(consumer.status());
  long count = 0;
  auto last = std::chrono::steady_clock::now();
  while (!g_stop && (o.max <= 0 || count < o.max)) {
    auto batch = consumer->poll(200ms, o.max > 0 ? static_cast<std::size_t>(o.max - count) : 1000);
    if (!batch.ok()) return report(batch.status());
    if (batch->empty()) {
      if (o.idle_timeout > 0 &&
          std::chrono::steady_clock::now() - last > std::chrono::duration<double>(o.idle_timeout)) {
        break;
      }
      continue;
    }
    last = std::chrono::steady_clock::now();
    for (const kafka::Record& r : *batch) {
      if (g.output == "json") {
        nlohmann::ordered_json j{{"topic", r.topic}, {"partition", r.partition}, {"offset", r.offset},
                                 {"key", r.message.key}};
        nlohmann::ordered_json headers = nlohmann::ordered_json::array();
        for (const auto& h : r.message.headers) headers.push_back({{"name", h.name}, {"value", h.value}});
        j["headers"] = headers;
        if (r.message.timestamp_ms) j["timestamp_ms"] = *r.message.timestamp_ms;
        j["value"] = r.message.payload;
        std::cout << j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace) << "\n";
      } else {
        std::cout << r.message.payload << "\n";
      }
      consumer->mark_processed(r);
      ++count;
    }
    std::cout.flush();
  }
  if (auto s = consumer->close(); !s.ok()) return report(s);
  return kExitOk;
}

}  // namespace
}  // namespace platformctl

PLATFORMCTL_COMMANDS("kafka", [](CLI::App& app, platformctl::GlobalOptions& global) {
  using namespace platformctl;
  auto* kafka_cmd = app.add_subcommand("kafka", "The embedded Kafka cluster (librdkafka's mock)");
  kafka_cmd->require_subcommand(1);

  auto up = std::make_shared<UpOptions>();
  auto* up_cmd = kafka_cmd->add_subcommand(
      "up", "Run an embedded Kafka cluster with the platform's topics until SIGINT/SIGTERM; the first line printed "
            "is its bootstrap servers");
  up_cmd->add_option("--brokers", up->brokers, "Number of brokers (default: the spec's, 3)")
      ->check(CLI::Range(1, 32));
  up->spec.add_to(up_cmd);
  up_cmd->callback([up] { set_exit_code(run_up(*up)); });

  auto produce = std::make_shared<ProduceOptions>();
  auto* produce_cmd = app.add_subcommand("produce", "Send a message (or one per stdin line with '-') to a Kafka topic");
  produce_cmd->add_option("topic", produce->topic, "Topic")->required();
  produce_cmd->add_option("value", produce->value, "The message value, or - to send each stdin line")->required();
  produce_cmd->add_option("-b,--bootstrap-servers", produce->bootstrap, "host:port[,...] (required)")
      ->envname(kBootstrapEnv);
  produce_cmd->add_option("-k,--key", produce->key, "Message key (picks the partition)");
  produce_cmd->add_option("-H,--header", produce->headers, "Header name=value (repeatable)")->allow_extra_args(false);
  produce_cmd->add_option("-p,--partition", produce->partition, "Fixed partition (default: by key)");
  produce_cmd->add_option("--timeout", produce->timeout, "Seconds a message may take to be acknowledged (default 30)")
      ->check(CLI::PositiveNumber);
  produce->client.add_to(produce_cmd);
  produce_cmd->callback([produce, &global] { set_exit_code(run_produce(*produce, global)); });

  auto consume = std::make_shared<ConsumeOptions>();
  auto* consume_cmd = app.add_subcommand("consume", "Print messages of a Kafka topic, one value per line (-o json: "
                                                    "topic, partition, offset, key, headers, value)");
  consume_cmd->add_option("topic", consume->topic, "Topic")->required();
  consume_cmd->add_option("-b,--bootstrap-servers", consume->bootstrap, "host:port[,...] (required)")
      ->envname(kBootstrapEnv);
  consume_cmd->add_flag("--from-beginning", consume->from_beginning,
                        "Start at the oldest message when the group has no committed offset");
  consume_cmd->add_option("--max", consume->max, "Stop after N messages (default: run until Ctrl-C)");
  consume_cmd->add_option("-g,--group", consume->group,
                          "Consumer group; processed offsets are committed (default: a throw-away group)");
  consume_cmd->add_option("--idle-timeout", consume->idle_timeout, "Stop after S seconds without a message");
  consume->client.add_to(consume_cmd);
  consume_cmd->callback([consume, &global] { set_exit_code(run_consume(*consume, global)); });
});
