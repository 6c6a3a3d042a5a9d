// SPDX-License-Identifier: Apache-2.0
// A flow file as a Camel K Integration (camel.apache.org/v1, YAML DSL).

#include <regex>

#include "flow/runtime.hpp"
#include "internal/yaml_json.hpp"
#include "platform/flow/flow_file.hpp"
#include "platform/model/resource.hpp"
#include "platform/spec/platform_spec.hpp"

namespace platform::flow {

using internal::Json;

namespace {

constexpr const char* kRabbitBean = "rabbitConnectionFactory";

// jq path literal: ["order","id"]
std::string jq_path(const std::string& dotted) {
  Json a = Json::array();
  std::size_t start = 0;
  while (true) {
    auto dot = dotted.find('.', start);
    a.push_back(dotted.substr(start, dot - start));
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return a.dump();
}

std::string jq_filter(const std::vector<Condition>& filter) {
  std::string out;
  for (const Condition& c : filter) {
    if (!out.empty()) out += " and ";
    const std::string get = "(getpath(" + jq_path(c.field) + "))";
    switch (c.op) {
      case ConditionOp::kEquals: out += get + " == " + c.values[0]; break;
      case ConditionOp::kNotEquals: out += get + " != " + c.values[0]; break;
      case ConditionOp::kExists: out += get + " != null"; break;
      case ConditionOp::kMissing: out += get + " == null"; break;
      case ConditionOp::kIn: {
        std::string any;
        for (const std::string& v : c.values) any += (any.empty() ? "" : " or ") + get + " == " + v;
        out += "(" + (any.empty() ? std::string("false") : any) + ")";
        break;
      }
    }
  }
  return out;
}

std::string jq_transform(const TransformSpec& t) {
  std::string p = ". as $in | ";
  if (t.map.empty()) {
    p += "$in";
  } else {
    p += "{}";
    for (const auto& [to, from] : t.map) {
      p += " | if ($in | getpath(" + jq_path(from) + ")) != null then setpath(" + jq_path(to) +
           "; $in | getpath(" + jq_path(from) + ")) else . end";
    }
  }
  for (const auto& [from, to] : t.rename) {
    p += " | if getpath(" + jq_path(from) + ") != null then setpath(" + jq_path(to) + "; getpath(" + jq_path(from) +
         ")) | delpaths([" + jq_path(from) + "]) else . end";
  }
  for (const std::string& d : t.drop) p += " | delpaths([" + jq_path(d) + "])";
  for (const auto& [path, value] : t.set) p += " | setpath(" + jq_path(path) + "; " + value + ")";
  return p;
}

// `properties`: the flow file's spec.kafka.consumer / .producer, passed to
// Camel's Kafka (Java) client as additionalProperties.<key>.
Json kafka_endpoint(const Endpoint& e, bool consumer, const std::string& flow,
                    const std::map<std::string, std::string>& properties = {}) {
  auto t = internal::kafka_target(e).value();
  Json params = {{"brokers", "{{kafka.bootstrap.servers}}"}};
  if (consumer) {
    params["groupId"] = t.group_id.empty() ? flow : t.group_id;
    params["autoOffsetReset"] = "earliest";
    // Commit only after the exchange completed (the route reached its end).
    params["autoCommitEnable"] = false;
    params["allowManualCommit"] = false;
    params["breakOnFirstError"] = true;
  } else {
    params["requestRequiredAcks"] = "all";
    params["enableIdempotence"] = true;
  }
  for (const auto& [key, value] : properties) params["additionalProperties." + key] = value;
  std::string topics;
  for (const std::string& s : t.topics) topics += (topics.empty() ? "" : ",") + s;
  return {{"uri", "kafka:" + topics}, {"parameters", params}};
}

Json rabbit_endpoint(const Endpoint& e, bool consumer) {
  auto t = internal::rabbit_target(e).value();
  Json params = {{"connectionFactory", std::string("#bean:") + kRabbitBean}};
  if (consumer) {
    params["queues"] = t.queue.empty() ? e.path : t.queue;
    params["acknowledgeMode"] = "AUTO";  // acked when the exchange completes (after the Kafka ack)
    params["autoDeclare"] = false;
    params["prefetchCount"] = t.prefetch.value_or(1000);
  } else {
    params["confirm"] = "enabled";
    params["confirmTimeout"] = 30000;
    if (!t.routing_key.empty()) params["routingKey"] = t.routing_key;
    if (!t.queue.empty()) {
      params["queues"] = t.queue;
      params["autoDeclare"] = true;
      params["args"] = {{"queue.x-queue-type", "quorum"}};
    }
  }
  const std::string exchange = t.exchange.empty() ? "default" : t.exchange;
  return {{"uri", "spring-rabbitmq:" + exchange}, {"parameters", params}};
}

bool is_rabbit(const Endpoint& e) { return e.scheme == "rabbitmq" || e.scheme == "spring-rabbitmq"; }

}  // namespace

Result<std::string> render_integration(const FlowFile& flow, std::string_view ns) {
  if (flow.pattern == Pattern::kWebhook) {
    return Status(StatusCode::kFailedPrecondition, "flow '" + flow.name + "' is a webhook: rendered by the webhook module");
  }
  static const std::regex kNs("^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$");
  if (!std::regex_match(std::string(ns), kNs)) {
    return invalid_argument("namespace '" + std::string(ns) + "' is not a valid Kubernetes name (e.g. user-alice)");
  }
  const spec::PlatformSpec defaults;
  const bool rabbit = is_rabbit(flow.from) || is_rabbit(flow.to) ||
                      flow.errors.dead_letter.rfind("rabbitmq:", 0) == 0;

  Json from = is_rabbit(flow.from) ? rabbit_endpoint(flow.from, true) : kafka_endpoint(flow.from, true, flow.name, flow.kafka_consumer);
  Json steps = Json::array();
  if (flow.transform) {
    if (!flow.transform->filter.empty()) steps.push_back({{"filter", {{"jq", jq_filter(flow.transform->filter)}}}});
    steps.push_back({{"transform", {{"jq", jq_transform(*flow.transform)}}}});
    if (!flow.transform->key.empty()) {
      steps.push_back({{"setHeader", {{"name", "kafka.KEY"},
                                      {"jq", "getpath(" + jq_path(flow.transform->key) + ") | tostring"}}}});
    }
  }
  if (is_rabbit(flow.to) && !internal::rabbit_target(flow.to).value().kafka_metadata) {
    // kafkaMetadata=false: Camel's Kafka consumer sets kafka.* headers
    // (kafka.KEY, kafka.TIMESTAMP, ...) that the RabbitMQ producer would copy.
    steps.push_back({{"removeHeaders", {{"pattern", "kafka.*"}}}});
  }
  Json to = is_rabbit(flow.to) ? rabbit_endpoint(flow.to, false) : kafka_endpoint(flow.to, false, flow.name, flow.kafka_producer);
  steps.push_back({{"to", to}});
  from["steps"] = steps;

  std::vector<model::FreeForm> flows;
  if (rabbit) {
    const auto& r = defaults.rabbitmq;
    Json bean = {{"name", kRabbitBean},
                 {"type", "org.springframework.amqp.rabbit.connection.CachingConnectionFactory"},
                 {"properties",
                  {{"addresses", r.name + "." + defaults.namespaces.rabbitmq + ".svc:" + std::to_string(r.amqp_port)},
                   {"username", "{{rabbitmq.username}}"},
                   {"password", "{{rabbitmq.password}}"},
                   {"publisherConfirmType", "CORRELATED"}}}};
    flows.push_back({Json{{"beans", Json::array({bean})}}.dump()});
  }
  if (!flow.errors.dead_letter.empty()) {
    auto dl = parse_endpoint(flow.errors.dead_letter).value();
    Json uri = is_rabbit(dl) ? rabbit_endpoint(dl, false)["uri"] : kafka_endpoint(dl, false, flow.name)["uri"];
    Json handler = {{"deadLetterChannel",
                     {{"deadLetterUri", uri.get<std::string>() + (is_rabbit(dl) ? "?connectionFactory=%23bean:" +
                                                                                     std::string(kRabbitBean)
                                                                               : "?brokers={{kafka.bootstrap.servers}}")},
                      {"useOriginalMessage", true},
                      {"redeliveryPolicy",
                       {{"maximumRedeliveries", flow.errors.max_attempts - 1},
                        {"redeliveryDelay", flow.errors.backoff.count()},
                        {"maximumRedeliveryDelay", flow.errors.max_backoff.count()},
                        {"useExponentialBackOff", true}}}}}};
    flows.push_back({Json{{"errorHandler", handler}}.dump()});
  }
  flows.push_back({Json{{"route", {{"id", flow.name}, {"from", from}}}}.dump()});

  model::Integration it;
  it.metadata.name = flow.name;
  it.metadata.namespace_ = std::string(ns);
  it.metadata.labels = {{"app.kubernetes.io/name", flow.name},
                        {"app.kubernetes.io/managed-by", "libplatform"},
                        {"libplatform.io/flow-pattern", to_string(flow.pattern)}};
  it.metadata.annotations = {{"libplatform.io/guarantee", to_string(flow.guarantee)}};
  it.spec.flows = std::move(flows);
  std::vector<std::string> deps{"camel:kafka"};
  if (rabbit) deps.push_back("camel:spring-rabbitmq");
  if (flow.transform) deps.push_back("camel:jq");
  it.spec.dependencies = deps;
  const spec::ContainerResources& res = defaults.camel_k.integration_resources;
  Json props = Json::array({"kafka.bootstrap.servers=" + defaults.kafka.name + "-kafka-bootstrap." +
                            defaults.namespaces.kafka + ".svc:9092"});
  Json traits = {{"container",
                  {{"requestCPU", res.request_cpu},
                   {"requestMemory", res.request_memory},
                   {"limitCPU", res.limit_cpu},
                   {"limitMemory", res.limit_memory}}},
                 {"camel", {{"properties", props}}}};
  if (flow.metrics_port) traits["prometheus"] = {{"enabled", true}};
  if (rabbit) {
    // The operator's default-user Secret holds username and password keys.
    traits["mount"] = {{"configs", Json::array({"secret:" + defaults.rabbitmq.name + "-default-user"})}};
    traits["camel"]["properties"].push_back("rabbitmq.username={{username}}");
    traits["camel"]["properties"].push_back("rabbitmq.password={{password}}");
  }
  it.spec.traits = {traits.dump()};
  return model::to_yaml(model::Resource(std::move(it)));
}

}  // namespace platform::flow
