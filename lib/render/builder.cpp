// SPDX-License-Identifier: Apache-2.0
#include "render/builder.hpp"

#include <cctype>

#include "internal/yaml_json.hpp"

namespace platform::render::detail {

model::ObjectMeta meta(const spec::PlatformSpec& spec, std::string name, std::string ns, const std::string& component,
                       int wave) {
  model::ObjectMeta m;
  m.name = std::move(name);
  m.namespace_ = std::move(ns);
  m.labels = {{"app.kubernetes.io/component", component},
              {"app.kubernetes.io/managed-by", "platformctl"},
              {"app.kubernetes.io/part-of", spec.name}};
  m.annotations = {{std::string(model::kSyncWaveAnnotation), std::to_string(wave)}};
  return m;
}

Manifest manifest(const std::string& dir, const std::string& component, int wave, model::Resource resource) {
  std::string file;
  for (char c : resource.kind()) file += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  file += "-" + resource.metadata().name + ".yaml";
  return Manifest{dir.empty() ? file : dir + "/" + file, component, wave, std::move(resource)};
}

model::ApplicationSource git_source(const spec::PlatformSpec& spec, const std::string& dir) {
  model::ApplicationSource s;
  s.repo_url = spec.source.repo_url;
  s.target_revision = spec.source.revision;
  s.path = spec.source.path.empty() ? dir : spec.source.path + "/" + dir;
  return s;
}

model::Application application(const spec::PlatformSpec& spec, const std::string& name, const std::string& component,
                               int wave, const std::string& destination_namespace, model::ApplicationSource source,
                               std::vector<std::string> sync_options) {
  model::Application app;
  app.metadata = meta(spec, name, spec.namespaces.argocd, component, wave);
  // Deleting an Application deletes what it deployed (cascading), as prune implies.
  if (spec.argocd.prune) app.metadata.finalizers = {"resources-finalizer.argocd.argoproj.io"};
  app.spec.project = spec.argocd.project;
  app.spec.source = std::move(source);
  app.spec.destination.server = kInCluster;
  app.spec.destination.namespace_ = destination_namespace;
  model::SyncPolicy policy;
  if (spec.argocd.auto_sync) policy.automated = model::AutomatedSync{spec.argocd.prune, spec.argocd.self_heal, {}};
  policy.sync_options = std::move(sync_options);
  // Custom resources fail until their operator has installed the CRDs; retry
  // instead of leaving the app in a failed sync.
  policy.retry = model::RetryStrategy{10, model::RetryBackoff{"5s", 2, "3m"}};
  app.spec.sync_policy = std::move(policy);
  return app;
}

}  // namespace platform::render::detail

namespace platform::render::detail {

model::IntegrationPlatform integration_platform(const spec::PlatformSpec& spec, model::ObjectMeta metadata,
                                                const spec::ContainerResources& resources) {
  const auto& ck = spec.camel_k;
  model::IntegrationPlatform ip;
  ip.metadata = std::move(metadata);
  ip.metadata.annotations[std::string(model::kCamelOperatorIdAnnotation)] = "camel-k";
  ip.spec.build.build_configuration = model::BuildConfiguration{ck.build_strategy, "", "", "", "", ""};
  ip.spec.build.runtime_provider = ck.runtime;
  // An empty address lets the operator discover the cluster registry (KEP-1755, e.g. kind's).
  ip.spec.build.registry = model::RegistrySpec{ck.registry_address, "", "", ck.registry_insecure};
  model::MavenSpec maven;
  maven.settings = model::ValueSource{model::KeySelector{ck.maven_settings_configmap, ck.maven_settings_key, {}}, {}};
  ip.spec.build.maven = std::move(maven);
  internal::Json traits = internal::Json::object();
  traits["container"] = {{"requestCPU", resources.request_cpu},
                         {"requestMemory", resources.request_memory},
                         {"limitCPU", resources.limit_cpu},
                         {"limitMemory", resources.limit_memory}};
  ip.spec.traits = model::FreeForm{traits.dump()};
  return ip;
}

}  // namespace platform::render::detail
