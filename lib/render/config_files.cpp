// SPDX-License-Identifier: Apache-2.0
#include "render/config_files.hpp"

#include "internal/text.hpp"

namespace platform::render::detail {
using internal::markup_escape;

std::string kafka_metrics_rules() {
  // A compact rule set: broker, request, log and controller metrics with
  // Prometheus-style names, as the Strimzi dashboards expect.
  return R"(lowercaseOutputName: true
lowercaseOutputLabelNames: true
rules:
- pattern: kafka.server<type=(.+), name=(.+), clientId=(.+), topic=(.+), partition=(.*)><>Value
  name: kafka_server_$1_$2
  type: GAUGE
  labels:
    clientId: "$3"
    topic: "$4"
    partition: "$5"
- pattern: kafka.server<type=(.+), name=(.+), clientId=(.+), brokerHost=(.+), brokerPort=(.+)><>Value
  name: kafka_server_$1_$2
  type: GAUGE
  labels:
    clientId: "$3"
    broker: "$4:$5"
- pattern: kafka.(\w+)<type=(.+), name=(.+)PerSec\w*, topic=(.+)><>Count
  name: kafka_$1_$2_$3_total
  type: COUNTER
  labels:
    topic: "$4"
- pattern: kafka.(\w+)<type=(.+), name=(.+)PerSec\w*><>Count
  name: kafka_$1_$2_$3_total
  type: COUNTER
- pattern: kafka.(\w+)<type=(.+), name=(.+), topic=(.+), partition=(.*)><>Value
  name: kafka_$1_$2_$3
  type: GAUGE
  labels:
    topic: "$4"
    partition: "$5"
- pattern: kafka.(\w+)<type=(.+), name=(.+)><>Value
  name: kafka_$1_$2_$3
  type: GAUGE
- pattern: kafka.(\w+)<type=(.+), name=(.+)><>Count
  name: kafka_$1_$2_$3_count
  type: COUNTER
- pattern: kafka.(\w+)<type=(.+), name=(.+), (\w+)=(.+)><>(\d+)thPercentile
  name: kafka_$1_$2_$3
  type: GAUGE
  labels:
    "$4": "$5"
    quantile: "0.$6"
)";
}

std::string zookeeper_metrics_rules() {
  return R"ZK(lowercaseOutputName: true
rules:
- pattern: "org.apache.ZooKeeperService<name0=ReplicatedServer_id(\\d+)><>(\\w+)"
  name: "zookeeper_$2"
  type: GAUGE
- pattern: "org.apache.ZooKeeperService<name0=ReplicatedServer_id(\\d+), name1=replica.(\\d+)><>(\\w+)"
  name: "zookeeper_$3"
  type: GAUGE
  labels:
    replicaId: "$2"
- pattern: "org.apache.ZooKeeperService<name0=ReplicatedServer_id(\\d+), name1=replica.(\\d+), name2=(\\w+)><>(Packets\\w+)"
  name: "zookeeper_$4"
  type: COUNTER
  labels:
    replicaId: "$2"
    memberType: "$3"
- pattern: "org.apache.ZooKeeperService<name0=ReplicatedServer_id(\\d+), name1=replica.(\\d+), name2=(\\w+)><>(\\w+)"
  name: "zookeeper_$4"
  type: GAUGE
  labels:
    replicaId: "$2"
    memberType: "$3"
)ZK";
}

std::string maven_settings_xml(const spec::CamelKSpec& camel_k) {
  return R"(<?xml version="1.0" encoding="UTF-8"?>
<settings xmlns="http://maven.apache.org/SETTINGS/1.0.0"
          xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
          xsi:schemaLocation="http://maven.apache.org/SETTINGS/1.0.0 https://maven.apache.org/xsd/settings-1.0.0.xsd">
  <mirrors>
    <mirror>
      <id>platform-mirror</id>
      <name>Platform Maven mirror</name>
      <url>)" + markup_escape(camel_k.maven_mirror) +
         R"(</url>
      <mirrorOf>*</mirrorOf>
    </mirror>
  </mirrors>
</settings>
)";
}

std::string rabbitmq_additional_config(const spec::RabbitmqSpec& r) {
  std::string out;
  if (r.peer_discovery == "k8s") {
    out += "cluster_formation.peer_discovery_backend = rabbit_peer_discovery_k8s\n";
    out += "cluster_formation.k8s.host = kubernetes.default.svc.cluster.local\n";
    out += "cluster_formation.k8s.address_type = hostname\n";
  }
  out += "listeners.tcp.default = " + std::to_string(r.amqp_port) + "\n";
  out += "management.tcp.port = " + std::to_string(r.management_port) + "\n";
  out += "prometheus.tcp.port = " + std::to_string(r.prometheus_port) + "\n";
  if (!r.default_queue_type.empty()) out += "default_queue_type = " + r.default_queue_type + "\n";
  return out;
}

std::string backstage_app_config(const spec::PlatformSpec& spec) {
  const auto& b = spec.backstage;
  std::string features;
  for (const auto& f : b.features) features += "  - " + f + "\n";
  return "app:\n  title: " + spec.name + " developer portal\n  baseUrl: http://localhost:" + std::to_string(b.port) +
         "\nbackend:\n  baseUrl: http://localhost:" + std::to_string(b.port) + "\n  listen:\n    port: " +
         std::to_string(b.port) +
         "\n  database:\n    client: pg\n    connection:\n      host: ${POSTGRES_HOST}\n      port: ${POSTGRES_PORT}\n"
         "      user: ${POSTGRES_USER}\n      password: ${POSTGRES_PASSWORD}\n"
         "auth:\n  providers:\n    " + b.auth + ":\n      username: ${AUTH_USERNAME}\n      password: ${AUTH_PASSWORD}\n"
         "kubernetes:\n  serviceLocatorMethod:\n    type: multiTenant\n  clusterLocatorMethods:\n  - type: config\n"
         "    clusters:\n    - name: " + spec.kind.name +
         "\n      url: https://kubernetes.default.svc\n      authProvider: serviceAccount\n"
         "      skipTLSVerify: false\n      skipMetricsLookup: true\n"
         "platform:\n  features:\n" + features;
}

}  // namespace platform::render::detail
