// SPDX-License-Identifier: Apache-2.0
// platformctl apply | diff | status | delete --tenant: talk to a cluster.

#include <unistd.h>

#include <cstdio>
#include <iomanip>
#include <iostream>
#include <memory>

#include "command.hpp"
#include "platform/k8s/apply.hpp"
#include "platform/k8s/client.hpp"
#include "platform/render/render.hpp"
#include "spec_options.hpp"

namespace platformctl {
namespace {

namespace k8s = platform::k8s;

struct ClusterFlags {
  std::vector<std::string> files;
  std::string dry_run;
  bool force_conflicts = false;
  bool prune = false;
  bool force = false;
  bool bootstrap = false;
  std::string timeout = "300s";
  std::string field_manager = "platformctl";
  std::string platform_name = "platform";
  std::string tenant;
  SpecOptions spec;  ///< without -f: render this spec in-process
};

platform::Result<std::chrono::seconds> parse_duration(const std::string& s) {
  std::size_t used = 0;
  long long n = -1;
  try {
    n = std::stoll(s, &used);
  } catch (...) {
  }
  std::string unit = s.substr(used);
  long long mult = unit.empty() || unit == "s" ? 1 : unit == "m" ? 60 : unit == "h" ? 3600 : -1;
  if (n <= 0 || mult < 0) {
    return platform::invalid_argument("--timeout '" + s + "' is not a duration such as 300s, 5m or 1h");
  }
  return std::chrono::seconds(n * mult);
}

// Progress: a live line on a terminal, plain lines otherwise.
std::function<void(std::string_view, bool)> progress_printer() {
  const bool tty = isatty(fileno(stderr)) != 0;
  return [tty](std::string_view line, bool transient) {
    if (tty) {
      std::cerr << "\r\033[K" << line << (transient ? "" : "\n") << std::flush;
    } else if (!transient) {
      std::cerr << line << "\n";
    }
  };
}

platform::Result<k8s::Client> connect(const GlobalOptions& g) {
  auto options = k8s::load_client_options({g.kubeconfig, g.context});
  if (!options.ok()) return options.status();
  options->verbosity = g.verbosity;
  return k8s::Client::create(std::move(*options));
}

// The manifests: -f files, or the spec (--spec/--set, default: the seed's
// platform) rendered in-process, as `platformctl render` would print it.
struct Input {
  std::vector<k8s::Manifest> manifests;
  std::string argocd_namespace = "argocd";
  std::string root_application = "platform-root";
};

platform::Result<Input> manifests_from(const ClusterFlags& f) {
  Input in;
  if (f.files.empty()) {
    auto spec = f.spec.load();
    if (!spec.ok()) return spec.status();
    auto tree = platform::render::render(*spec);
    if (!tree.ok()) return tree.status();
    auto m = k8s::parse_manifests(platform::render::to_yaml_stream(*tree), "<rendered " + spec->name + " spec>");
    if (!m.ok()) return m.status();
    in.manifests = std::move(*m);
    in.argocd_namespace = spec->namespaces.argocd;
    in.root_application = spec->name + "-root";
    return in;
  }
  for (const auto& file : f.files) {
    auto m = k8s::read_manifests(file);
    if (!m.ok()) return m.status();
    in.manifests.insert(in.manifests.end(), m->begin(), m->end());
  }
  return in;
}

platform::Result<k8s::ApplyOptions> apply_options(const ClusterFlags& f) {
  k8s::ApplyOptions o;
  if (!f.dry_run.empty() && f.dry_run != "server" && f.dry_run != "none") {
    return platform::invalid_argument("--dry-run must be 'server' (or 'none'), not '" + f.dry_run + "'");
  }
  o.dry_run = f.dry_run == "server";
  o.force_conflicts = f.force_conflicts;
  o.prune = f.prune;
  o.force = f.force;
  o.field_manager = f.field_manager;
  o.platform_name = f.platform_name;
  auto t = parse_duration(f.timeout);
  if (!t.ok()) return t.status();
  o.wave_timeout = *t;
  o.progress = progress_printer();
  return o;
}

void add_common(CLI::App* cmd, ClusterFlags& f, bool with_files) {
  if (with_files) {
    cmd->add_option("-f,--filename", f.files,
                    "Manifests: a YAML file, a directory of them, or - for standard input "
                    "(default: render the spec in-process)");
    cmd->add_option("--spec", f.spec.spec_file, "Without -f: the platform spec to render (default: the seed's platform)");
    cmd->add_option("--set", f.spec.sets, "Without -f: override a spec field, e.g. --set kafka.brokers=5 (repeatable)");
  }
  cmd->add_option("--field-manager", f.field_manager, "Server-side apply field manager")->capture_default_str();
  cmd->add_option("--platform-name", f.platform_name, "Value of the app.kubernetes.io/part-of ownership label")
      ->capture_default_str();
  cmd->add_option("--timeout", f.timeout, "How long to wait per wave (e.g. 300s, 5m)")->capture_default_str();
}

// What every manifest-driven command needs: options, manifests, a client.
struct Session {
  k8s::ApplyOptions options;
  Input input;
  k8s::Client client;
};

platform::Result<Session> open_session(const GlobalOptions& g, const ClusterFlags& f) {
  auto options = apply_options(f);
  if (!options.ok()) return options.status();
  auto input = manifests_from(f);
  if (!input.ok()) return input.status();
  if (f.bootstrap) {
    input->manifests = k8s::select_bootstrap(input->manifests, input->argocd_namespace, input->root_application);
    if (input->manifests.empty()) {
      return platform::invalid_argument("--bootstrap found no Argo CD objects (namespace " + input->argocd_namespace +
                                        ", argoproj.io CRDs, Application " + input->root_application +
                                        ") in the manifests");
    }
  }
  auto client = connect(g);
  if (!client.ok()) return client.status();
  return Session{std::move(*options), std::move(*input), std::move(*client)};
}

int run_apply(const GlobalOptions& g, const ClusterFlags& f) {
  auto s = open_session(g, f);
  if (!s.ok()) return report(s.status());
  k8s::ApplyReport r = k8s::apply(s->client, s->input.manifests, s->options);
  std::size_t ok = 0;
  for (const auto& o : r.objects) ok += o.status.ok() ? 1 : 0;
  std::cout << (s->options.dry_run ? "server dry run: " : "") << ok << "/" << r.objects.size() << " object(s) "
            << (s->options.dry_run ? "accepted" : "applied") << ", " << r.requests << " request(s), " << std::fixed
            << std::setprecision(2) << static_cast<double>(r.elapsed.count()) / 1000.0 << " s\n";
  return report(r.status);
}

int run_diff(const GlobalOptions& g, const ClusterFlags& f) {
  auto s = open_session(g, f);
  if (!s.ok()) return report(s.status());
  auto diffs = k8s::diff(s->client, s->input.manifests, s->options);
  if (!diffs.ok()) return report(diffs.status());
  bool any = false;
  for (const auto& d : *diffs) {
    if (d.unified.empty()) continue;
    any = true;
    std::cout << d.unified;
  }
  return any ? kExitFailure : kExitOk;  // like kubectl diff: 1 when there are differences
}

int run_status(const GlobalOptions& g, const ClusterFlags& f) {
  auto s = open_session(g, f);
  if (!s.ok()) return report(s.status());
  auto st = k8s::status(s->client, s->input.manifests, s->options);
  if (!st.ok()) return report(st.status());
  bool all_healthy = true;
  std::cout << std::left << std::setw(6) << "WAVE" << std::setw(22) << "COMPONENT" << std::setw(52) << "OBJECT"
            << std::setw(13) << "HEALTH" << "MESSAGE\n";
  for (const auto& o : *st) {
    all_healthy = all_healthy && o.health.health == k8s::Health::kHealthy;
    std::cout << std::setw(6) << o.wave << std::setw(22) << o.component << std::setw(52) << o.ref << std::setw(13)
              << k8s::to_string(o.health.health) << o.health.message << "\n";
  }
  return all_healthy ? kExitOk : kExitFailure;
}

int run_delete(const GlobalOptions& g, const ClusterFlags& f) {
  if (f.tenant.empty()) return report(platform::invalid_argument("delete needs --tenant NAME"));
  auto options = apply_options(f);
  if (!options.ok()) return report(options.status());
  auto client = connect(g);
  if (!client.ok()) return report(client.status());
  auto r = k8s::delete_tenant(*client, f.tenant, *options);
  std::cout << "deleted " << r.objects.size() << " object(s) of tenant " << f.tenant << ", " << r.requests
            << " request(s)\n";
  return report(r.status);
}

}  // namespace

PLATFORMCTL_COMMANDS("apply", [](CLI::App& app, GlobalOptions& g) {
  auto flags = std::make_shared<ClusterFlags>();
  auto* apply = app.add_subcommand("apply", "Apply the platform to a cluster: server-side apply, wave by wave, "
                                            "waiting for health");
  add_common(apply, *flags, true);
  apply->add_option("--dry-run", flags->dry_run, "'server': let the API server check everything, store nothing");
  apply->add_flag("--force-conflicts", flags->force_conflicts, "Take over fields other field managers own");
  apply->add_flag("--prune", flags->prune, "Delete platform-labelled objects that are no longer rendered");
  apply->add_flag("--force", flags->force, "With --prune: also delete namespaces that hold PersistentVolumeClaims");
  apply->add_flag("--bootstrap", flags->bootstrap, "GitOps: apply only Argo CD and the root Application");
  apply->callback([&g, flags] { set_exit_code(run_apply(g, *flags)); });

  auto* diff = app.add_subcommand("diff", "Show what apply would change (server dry run against live objects)");
  add_common(diff, *flags, true);
  diff->callback([&g, flags] { set_exit_code(run_diff(g, *flags)); });

  auto* status = app.add_subcommand("status", "Health of the platform's objects per component and wave");
  add_common(status, *flags, true);
  status->callback([&g, flags] { set_exit_code(run_status(g, *flags)); });

  auto* del = app.add_subcommand("delete", "Offboard a tenant: delete user-NAME in reverse order");
  add_common(del, *flags, false);
  del->add_option("--tenant", flags->tenant, "The tenant (user) name")->required();
  del->add_flag("--force", flags->force, "Delete even when the namespace holds PersistentVolumeClaims");
  del->callback([&g, flags] { set_exit_code(run_delete(g, *flags)); });
});

}  // namespace platformctl
