// SPDX-License-Identifier: Apache-2.0
// The server side of bench/webhook/run.sh: one route, POST /webhooks/orders
// -> kafka:events?key=json:/id on the embedded cluster (in this process), or
// the same route answering 202 without producing (--dry-run). Prints the
// port on the first line, serves until SIGTERM.
//   bench_webhook_server [--dry-run] [--threads N] [--port P] [--linger-ms L]

#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>

#include "platform/flow/webhook.hpp"

int main(int argc, char** argv) {
  platform::flow::WebhookOptions o;
  o.name = "bench";
  o.address = "127.0.0.1";
  o.port = 0;
  o.threads = 1;
  platform::flow::WebhookRoute r;
  r.path = "/webhooks/orders";
  r.to = "kafka:events?key=json:/id";
  r.content_types = {"application/json"};
  r.validate_json = true;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::cerr << a << " needs a value\n";
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--dry-run") r.dry_run = true;
    else if (a == "--threads") o.threads = std::stoi(next());
    else if (a == "--port") o.port = static_cast<std::uint16_t>(std::stoi(next()));
    else if (a == "--linger-ms") o.kafka_extra["linger.ms"] = next();
    else if (a == "--set") {
      std::string kv = next();
      o.kafka_extra[kv.substr(0, kv.find('='))] = kv.substr(kv.find('=') + 1);
    }
    else {
      std::cerr << "unknown argument " << a << "\n";
      return 2;
    }
  }
  o.routes.push_back(r);
  auto s = platform::flow::run_webhook(o, {}, [](const platform::flow::Webhook& hook) {
    std::cout << hook.port() << std::endl;
  });
  if (!s.ok()) {
    std::cerr << "error: " << s.to_string() << "\n";
    return 1;
  }
  return 0;
}
