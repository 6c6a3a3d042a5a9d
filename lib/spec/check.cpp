// SPDX-License-Identifier: Apache-2.0
// check(): the field constraints of the table in fields.hpp, then the
// platform rules that involve more than one field.
#include <algorithm>
#include <cctype>
#include <map>
#include <regex>

#include "spec/codec.hpp"

namespace platform::internal::spec {
namespace {

bool is_dns_label(std::string_view s) {
  static const std::regex kLabel("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$");
  return !s.empty() && s.size() <= 63 && std::regex_match(s.begin(), s.end(), kLabel);
}

bool is_dns_subdomain(std::string_view s) {
  static const std::regex kSubdomain("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$");
  return !s.empty() && s.size() <= 253 && std::regex_match(s.begin(), s.end(), kSubdomain);
}

// A valid name close to what the user wrote: lower case, '-' for the rest.
std::string name_like(std::string_view s, bool allow_dots) {
  std::string out;
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u)) out += static_cast<char>(std::tolower(u));
    else if (c == '.' && allow_dots) out += '.';
    else out += '-';
  }
  while (!out.empty() && !std::isalnum(static_cast<unsigned char>(out.front()))) out.erase(out.begin());
  while (!out.empty() && !std::isalnum(static_cast<unsigned char>(out.back()))) out.pop_back();
  if (out.size() > 63 && !allow_dots) out.resize(63);
  while (!out.empty() && !std::isalnum(static_cast<unsigned char>(out.back()))) out.pop_back();
  return out.empty() ? "my-name" : out;
}

// Kubernetes resource.Quantity: a non-negative decimal with an optional
// binary (Ki..Ei), decimal (n, u, m, k, M..E) or exponent suffix.
bool is_quantity(std::string_view s) {
  static const std::regex kQuantity(R"(^\+?([0-9]+(\.[0-9]*)?|\.[0-9]+)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][-+]?[0-9]+)?$)");
  return std::regex_match(s.begin(), s.end(), kQuantity);
}

bool is_zero_quantity(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c == '0' || c == '.' || c == '+' || std::isalpha(static_cast<unsigned char>(c)); }) &&
         std::any_of(s.begin(), s.end(), [](char c) { return c == '0'; });
}

// The quantity the user most likely meant: "10Gb", "10GB", "10gi", "10 G"
// all become "10Gi".
std::string quantity_like(std::string_view s, std::string_view fallback) {
  static const std::regex kSloppy(R"(^\s*([0-9]+(\.[0-9]+)?)\s*([kKmMgGtTpPeE])[iI]?[bB]?\s*$)");
  std::match_results<std::string_view::const_iterator> m;
  if (std::regex_match(s.begin(), s.end(), m, kSloppy)) {
    char unit = static_cast<char>(std::toupper(static_cast<unsigned char>(m[3].str()[0])));
    return m[1].str() + unit + "i";
  }
  return std::string(fallback);
}

std::string choices_text(const std::initializer_list<std::string_view>& choices) {
  std::string out;
  for (std::string_view c : choices) out += (out.empty() ? "" : ", ") + std::string(c);
  return out;
}

struct Checker {
  std::vector<Problem>* out;
  Cursor cur;

  void problem(std::string message, std::string rule) {
    out->push_back({cur.pointer(), cur.path(), std::move(message), std::move(rule), {}, {}});
  }

  template <class T>
  void operator()(const Field& f, const T& m) {
    cur.push(f.key);
    if constexpr (kIsRecord<T>) {
      fields(*this, m);
    } else if constexpr (IsVector<T>::value) {
      for (std::size_t i = 0; i < m.size(); ++i) {
        cur.push(i);
        if constexpr (IsRecordVector<T>::value) fields(*this, m[i]);
        else check_value(f, m[i]);
        cur.pop();
      }
    } else if constexpr (!IsMap<T>::value) {
      check_value(f, m);
    }
    cur.pop();
  }

  void check_value(const Field&, bool) {}

  void check_value(const Field& f, int v) {
    if (f.check == Check::kPort && (v < 1 || v > 65535)) {
      problem("port " + std::to_string(v) + " is out of range; use a port from 1 to 65535", "port-range");
    }
    if (v < f.min) {
      problem("must be at least " + std::to_string(f.min) + ", got " + std::to_string(v), "minimum");
    }
    if (v > f.max) {
      problem("must be at most " + std::to_string(f.max) + ", got " + std::to_string(v), "maximum");
    }
  }

  void check_value(const Field& f, const std::string& v) {
    switch (f.check) {
      case Check::kNone:
      case Check::kPort:
        break;
      case Check::kCpu:
        if (!is_quantity(v)) {
          problem("invalid CPU quantity '" + v + "'; use a Kubernetes quantity such as 500m or 2", "quantity");
        }
        break;
      case Check::kMemory:
      case Check::kStorage:
        if (!is_quantity(v)) {
          problem("invalid quantity '" + v + "'; use a Kubernetes quantity such as " + quantity_like(v, "10Gi") +
                      " (binary suffixes Ki, Mi, Gi, Ti; decimal k, M, G, T)",
                  "quantity");
        } else if (f.check == Check::kStorage && is_zero_quantity(v)) {
          problem("storage size '" + v + "' is zero; a volume needs a size such as 10Gi", "quantity");
        }
        break;
      case Check::kDnsLabel:
        if (!is_dns_label(v)) {
          problem("'" + v + "' is not a valid Kubernetes name (DNS-1123 label): use at most 63 lower-case letters, "
                  "digits and '-', starting and ending with a letter or digit, e.g. '" + name_like(v, false) + "'",
                  "dns-1123-label");
        }
        break;
      case Check::kDnsSubdomain:
        if (!is_dns_subdomain(v)) {
          problem("'" + v + "' is not a valid Kubernetes name (DNS-1123 subdomain): use at most 253 lower-case "
                  "letters, digits, '-' and '.', starting and ending with a letter or digit, e.g. '" +
                      name_like(v, true) + "'",
                  "dns-1123-subdomain");
        }
        break;
      case Check::kChoice:
        if (std::find(f.choices.begin(), f.choices.end(), v) == f.choices.end()) {
          std::string message = "unknown " + std::string(f.key) + " '" + v + "'";
          std::string guess = did_you_mean(v, std::vector<std::string_view>(f.choices));
          message += guess.empty() ? "; use" : "; did you mean '" + guess + "'? Use";
          message += " one of: " + choices_text(f.choices);
          problem(std::move(message), "enum");
        }
        break;
      case Check::kListenerName: {
        static const std::regex kListener("^[a-z0-9]{1,11}$");
        if (!std::regex_match(v, kListener)) {
          problem("invalid listener name '" + v + "'; Strimzi takes 1 to 11 lower-case letters and digits", "listener-name");
        }
        break;
      }
      case Check::kGitUrl: {
        static const std::regex kUrl(R"(^(https?://[^\s/]+/\S+|ssh://\S+|[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:\S+)$)");
        if (!std::regex_match(v, kUrl)) {
          problem("'" + v + "' is not a Git repository URL; use https://host/owner/repo.git or git@host:owner/repo.git",
                  "git-url");
        }
        break;
      }
    }
  }
};

std::string brokers(int n) { return std::to_string(n) + (n == 1 ? " broker" : " brokers"); }

struct Rules {
  std::vector<Problem>* out;

  void add(std::string path, std::string pointer, std::string message, std::string rule, std::string related = "") {
    out->push_back({std::move(pointer), std::move(path), std::move(message), std::move(rule), std::move(related), {}});
  }

  void operator_version(const OperatorSpec& op, std::string_view key, std::string_view shipped, std::string_view what) {
    if (op.version != shipped) {
      add("operators." + std::string(key) + ".version", "/operators/" + std::string(key) + "/version",
          "libplatform ships the manifests and CRD schemas of " + std::string(what) + " " + std::string(shipped) +
              " only; set version to " + std::string(shipped),
          "operator-version");
    }
  }

  void operator_watches(const OperatorSpec& op, std::string_view key, const std::string& ns, std::string_view ns_key) {
    if (op.watch_all || std::find(op.watch_namespaces.begin(), op.watch_namespaces.end(), ns) != op.watch_namespaces.end()) {
      return;
    }
    add("operators." + std::string(key) + ".watch_namespaces", "/operators/" + std::string(key) + "/watch_namespaces",
        "the operator does not watch namespace '" + ns + "' (namespaces." + std::string(ns_key) +
            "), so its resources would never be reconciled; add it to watch_namespaces",
        "operator-watches-namespace", "/namespaces/" + std::string(ns_key));
  }

  void kafka(const KafkaSpec& k) {
    std::map<std::string, std::size_t> topic_index;
    for (std::size_t i = 0; i < k.topics.size(); ++i) {
      const KafkaTopic& t = k.topics[i];
      std::string path = "kafka.topics[" + std::to_string(i) + "]";
      std::string pointer = "/kafka/topics/" + std::to_string(i);
      if (t.replicas > k.brokers) {
        add(path + ".replicas", pointer + "/replicas",
            "topic '" + t.name + "' has " + std::to_string(t.replicas) + " replicas but the cluster has only " +
                brokers(k.brokers) + "; lower replicas or raise kafka.brokers",
            "topic-replicas-le-brokers", "/kafka/brokers");
      }
      auto [it, fresh] = topic_index.emplace(t.name, i);
      if (!fresh && !t.name.empty()) {
        add(path + ".name", pointer + "/name",
            "duplicate topic name '" + t.name + "' (also kafka.topics[" + std::to_string(it->second) +
                "]); give each topic a unique name",
            "unique-topic-name");
      }
    }
    std::map<int, std::size_t> ports;
    std::map<std::string, std::size_t> names;
    for (std::size_t i = 0; i < k.listeners.size(); ++i) {
      const KafkaListener& l = k.listeners[i];
      std::string path = "kafka.listeners[" + std::to_string(i) + "]";
      std::string pointer = "/kafka/listeners/" + std::to_string(i);
      if (l.port >= 1 && l.port <= 65535 && (l.port < 9092 || l.port == 9404 || l.port == 9999)) {
        add(path + ".port", pointer + "/port",
            "Strimzi refuses listener port " + std::to_string(l.port) +
                ": use 9092 or higher, except 9404 (metrics) and 9999 (JMX)",
            "listener-port");
      }
      if (auto [it, fresh] = ports.emplace(l.port, i); !fresh) {
        add(path + ".port", pointer + "/port",
            "port " + std::to_string(l.port) + " is already used by kafka.listeners[" + std::to_string(it->second) +
                "]; give each listener its own port",
            "unique-listener-port");
      }
      if (auto [it, fresh] = names.emplace(l.name, i); !fresh && !l.name.empty()) {
        add(path + ".name", pointer + "/name",
            "duplicate listener name '" + l.name + "' (also kafka.listeners[" + std::to_string(it->second) + "])",
            "unique-listener-name");
      }
    }
    // Kafka refuses to create its internal topics (and every default topic)
    // with more replicas than brokers.
    for (const char* key : {"default.replication.factor", "offsets.topic.replication.factor",
                            "transaction.state.log.replication.factor", "transaction.state.log.min.isr",
                            "min.insync.replicas"}) {
      auto it = k.config.find(key);
      if (it == k.config.end()) continue;
      std::string path = std::string("kafka.config.") + key;
      std::string pointer = "/kafka/config/" + escape_pointer(key);
      int value = 0;
      try {
        std::size_t used = 0;
        value = std::stoi(it->second, &used);
        if (used != it->second.size()) throw std::invalid_argument(key);
      } catch (const std::exception&) {
        add(path, pointer, "'" + it->second + "' is not an integer; " + key + " takes a number of replicas",
            "kafka-config-integer");
        continue;
      }
      if (value > k.brokers) {
        add(path, pointer,
            std::string(key) + " is " + it->second + " but the cluster has only " + brokers(k.brokers) +
                "; lower it or raise kafka.brokers",
            "replication-le-brokers", "/kafka/brokers");
      }
    }
  }

  void unique_ports(const std::vector<std::pair<const char*, int>>& ports, std::string_view section) {
    for (std::size_t i = 0; i < ports.size(); ++i) {
      for (std::size_t j = 0; j < i; ++j) {
        if (ports[i].second == ports[j].second) {
          add(std::string(section) + "." + ports[i].first, "/" + std::string(section) + "/" + ports[i].first,
              "port " + std::to_string(ports[i].second) + " is also " + std::string(section) + "." + ports[j].first +
                  "; give each its own port",
              "unique-port", "/" + std::string(section) + "/" + ports[j].first);
        }
      }
    }
  }

  void waves(const SyncWaves& w) {
    const std::pair<const char*, int> order[] = {
        {"operators", w.operators}, {"infrastructure", w.infrastructure}, {"applications", w.applications},
        {"tenants", w.tenants}};
    for (std::size_t i = 1; i < std::size(order); ++i) {
      if (order[i].second <= order[i - 1].second) {
        add(std::string("argocd.waves.") + order[i].first, std::string("/argocd/waves/") + order[i].first,
            std::string("wave ") + std::to_string(order[i].second) + " of " + order[i].first +
                " must be later than the " + order[i - 1].first + " wave (" +
                std::to_string(order[i - 1].second) + "): what it deploys needs what the earlier wave deploys",
            "wave-order");
      }
    }
  }

  void tenants(const std::vector<Tenant>& tenants) {
    std::map<std::string, std::size_t> seen;
    for (std::size_t i = 0; i < tenants.size(); ++i) {
      const Tenant& t = tenants[i];
      std::string path = "tenants[" + std::to_string(i) + "].name";
      std::string pointer = "/tenants/" + std::to_string(i) + "/name";
      auto [it, fresh] = seen.emplace(t.name, i);
      if (!fresh && !t.name.empty()) {
        add(path, pointer,
            "duplicate tenant name '" + t.name + "' (also tenants[" + std::to_string(it->second) +
                "]); each tenant needs its own namespace",
            "unique-tenant-name");
      }
      if (t.name.size() + 5 > 63 && t.name.size() <= 63) {
        add(path, pointer,
            "namespace 'user-" + t.name + "' would be " + std::to_string(t.name.size() + 5) +
                " characters; a namespace takes at most 63, so keep tenant names to 58",
            "tenant-namespace-length");
      }
    }
  }

  // profile: production refuses what logs anyone in with known credentials.
  // The platform never renders a password (RabbitMQ's operator generates the
  // default user's, Backstage and PostgreSQL read theirs from
  // backstage.credentials_secret); what is left is Backstage's guest login.
  void production(const PlatformSpec& spec) {
    if (spec.profile != "production") return;
    if (spec.backstage.auth == "guest") {
      add("backstage.auth", "/backstage/auth",
          "the guest provider lets anyone in without a password, which profile: production refuses; use basic "
          "(credentials from the Secret " + spec.backstage.credentials_secret + ")",
          "production-credentials", "/profile");
    }
  }

  void kind(const KindCluster& k) {
    std::map<int, std::size_t> hosts;
    for (std::size_t i = 0; i < k.port_mappings.size(); ++i) {
      int port = k.port_mappings[i].host_port;
      if (auto [it, fresh] = hosts.emplace(port, i); !fresh) {
        add("kind.port_mappings[" + std::to_string(i) + "].host_port",
            "/kind/port_mappings/" + std::to_string(i) + "/host_port",
            "host port " + std::to_string(port) + " is also mapped by kind.port_mappings[" +
                std::to_string(it->second) + "]; use another host port",
            "unique-host-port");
      }
    }
  }
};

}  // namespace

std::vector<Problem> check(const PlatformSpec& spec) {
  std::vector<Problem> problems;
  Checker checker{&problems, {}};
  fields(checker, spec);
  Rules rules{&problems};
  rules.operator_version(spec.operators.strimzi, "strimzi", "0.43.0", "Strimzi");
  rules.operator_version(spec.operators.rabbitmq, "rabbitmq", "2.10.0", "the RabbitMQ Cluster Operator");
  rules.operator_version(spec.operators.camel_k, "camel_k", "2.5.0", "Camel K");
  rules.operator_watches(spec.operators.strimzi, "strimzi", spec.namespaces.kafka, "kafka");
  rules.operator_watches(spec.operators.rabbitmq, "rabbitmq", spec.namespaces.rabbitmq, "rabbitmq");
  rules.operator_watches(spec.operators.camel_k, "camel_k", spec.namespaces.camelk, "camelk");
  rules.kafka(spec.kafka);
  rules.unique_ports({{"amqp_port", spec.rabbitmq.amqp_port},
                      {"management_port", spec.rabbitmq.management_port},
                      {"prometheus_port", spec.rabbitmq.prometheus_port}},
                     "rabbitmq");
  rules.waves(spec.argocd.waves);
  rules.tenants(spec.tenants);
  rules.kind(spec.kind);
  rules.production(spec);
  return problems;
}

}  // namespace platform::internal::spec
