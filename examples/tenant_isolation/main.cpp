// SPDX-License-Identifier: Apache-2.0
// The seed's platform with two tenants: render it, validate it offline, and
// ask the isolation analysis what alice can reach.
//
//   build/examples/tenant_isolation/example_tenant_isolation

#include <iostream>

#include "platform/render/render.hpp"
#include "platform/spec/load.hpp"
#include "platform/tenancy/isolation.hpp"
#include "platform/validate/validate.hpp"

namespace tenancy = platform::tenancy;

int main() try {
  // The seed's platform, plus two tenants (the same overrides as --set).
  auto spec = platform::spec::default_spec({{"tenants[0].name=alice", "tenants[1].name=bob"}}).value();
  auto tree = platform::render::render(spec).value();

  std::vector<platform::validate::Source> sources;
  for (const auto& f : platform::render::files(tree)) {
    if (f.path.ends_with(".yaml")) sources.push_back({f.path, f.content});
  }
  auto report = platform::validate::validate_sources(sources).value();
  std::cout << report.summary() << "\n";

  auto view = tenancy::network_view(tree);
  struct Question {
    const char* to;
    tenancy::Protocol protocol;
    int port;
  } questions[] = {{"kafka", tenancy::Protocol::kTcp, 9092},
                   {"rabbitmq", tenancy::Protocol::kTcp, 5672},
                   {"kube-system", tenancy::Protocol::kUdp, 53},
                   {"user-bob", tenancy::Protocol::kTcp, 8080}};
  for (const Question& q : questions) {
    auto verdict = tenancy::can_reach(view, tenancy::parse_endpoint("user-alice"), tenancy::parse_endpoint(q.to),
                                      q.protocol, q.port)
                       .value();
    std::cout << "user-alice -> " << q.to << ":" << q.port << "/" << tenancy::to_string(q.protocol) << ": "
              << (verdict.allowed ? "allowed (" + verdict.egress + ")" : "denied by " + verdict.denied_by) << "\n";
  }
  return report.valid() ? 0 : 1;
} catch (const platform::Error& e) {
  std::cerr << "error: " << e.what() << "\n";
  return 1;
}
