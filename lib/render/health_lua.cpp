// SPDX-License-Identifier: Apache-2.0
#include "render/health_lua.hpp"

namespace platform::render::detail {

// Logic from docs/research (operators.md §3): RabbitmqCluster follows the
// Argo CD 3.4 script (Unknown while the cluster forms is Progressing, not
// Degraded); IntegrationPlatform maps status.phase; Application copies the
// child's health so the app-of-apps waits for each wave to be Healthy.
std::map<std::string, std::string> argocd_health_checks() {
  return {
      {"resource.customizations.health.argoproj.io_Application",
       R"(hs = {}
hs.status = "Progressing"
hs.message = ""
if obj.status ~= nil and obj.status.health ~= nil then
  hs.status = obj.status.health.status
  if obj.status.health.message ~= nil then
    hs.message = obj.status.health.message
  end
end
return hs
)"},
      {"resource.customizations.health.camel.apache.org_IntegrationPlatform",
       R"(hs = {}
if obj.status ~= nil and obj.status.phase ~= nil then
  if obj.status.phase == "Ready" then
    hs.status = "Healthy"
    hs.message = "IntegrationPlatform ready"
    return hs
  end
  if obj.status.phase == "Error" then
    hs.status = "Degraded"
    hs.message = "IntegrationPlatform in error"
    if obj.status.conditions ~= nil then
      for _, c in ipairs(obj.status.conditions) do
        if c.status == "False" and c.message ~= nil then
          hs.message = c.message
        end
      end
    end
    return hs
  end
end
hs.status = "Progressing"
hs.message = "Waiting for IntegrationPlatform"
return hs
)"},
      {"resource.customizations.health.rabbitmq.com_RabbitmqCluster",
       R"(hs = {}
if obj.status ~= nil and obj.status.conditions ~= nil then
  local available = nil
  local ready = nil
  for _, c in ipairs(obj.status.conditions) do
    if c.type == "ReconcileSuccess" and c.status == "False" then
      hs.status = "Degraded"
      hs.message = c.message
      return hs
    end
    if c.type == "ClusterAvailable" then available = c.status end
    if c.type == "AllReplicasReady" then ready = c.status end
  end
  if available == "Unknown" or ready == "Unknown" then
    hs.status = "Progressing"
    hs.message = "No statefulset or endpoints found yet"
    return hs
  end
  if available == "False" then
    hs.status = "Progressing"
    hs.message = "Waiting for RabbitMQ cluster formation"
    return hs
  end
  if ready == "False" then
    hs.status = "Progressing"
    hs.message = "Waiting for RabbitMQ instances ready"
    return hs
  end
  if available == "True" and ready == "True" then
    hs.status = "Healthy"
    hs.message = "RabbitMQ cluster ready"
    return hs
  end
end
hs.status = "Progressing"
hs.message = "Waiting for RabbitMQ Operator"
return hs
)"},
  };
}

}  // namespace platform::render::detail
