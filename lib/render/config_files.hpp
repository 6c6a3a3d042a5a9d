// SPDX-License-Identifier: Apache-2.0
#pragma once

// Text files the platform ships inside ConfigMaps.

#include <string>

#include "platform/spec/platform_spec.hpp"

namespace platform::render::detail {

/// JMX Prometheus exporter rules for Kafka brokers.
std::string kafka_metrics_rules();
/// JMX Prometheus exporter rules for ZooKeeper.
std::string zookeeper_metrics_rules();
/// Maven settings.xml with one mirror of everything.
std::string maven_settings_xml(const spec::CamelKSpec& camel_k);
/// RabbitMQ additionalConfig (rabbitmq.conf lines).
std::string rabbitmq_additional_config(const spec::RabbitmqSpec& rabbitmq);
/// Backstage app-config.yaml (secrets come from env vars, never inlined).
std::string backstage_app_config(const spec::PlatformSpec& spec);

}  // namespace platform::render::detail
