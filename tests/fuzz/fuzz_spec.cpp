// SPDX-License-Identifier: Apache-2.0
// Fuzz target: the spec loader. Input: spec YAML, optionally followed by a
// line "%%set" and one --set expression per line. Property checked on
// success: parse_spec(to_yaml(s)) == s (load.hpp promises it).
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "platform/spec/load.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  std::string_view yaml = in;
  platform::spec::LoadOptions options;
  if (std::size_t cut = in.find("\n%%set\n"); cut != std::string_view::npos) {
    yaml = in.substr(0, cut);
    std::string_view rest = in.substr(cut + 7);
    while (!rest.empty()) {
      std::size_t nl = rest.find('\n');
      options.overrides.emplace_back(rest.substr(0, nl));
      rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
    }
  }
  auto spec = platform::spec::parse_spec(yaml, "fuzz.yaml", options);
  if (!spec.ok()) {
    (void)spec.status().to_string();
    return 0;
  }
  auto again = platform::spec::parse_spec(platform::spec::to_yaml(*spec), "again.yaml");
  if (!again.ok() || !(*again == *spec)) std::abort();
  (void)platform::spec::to_json(*spec);
  return 0;
}
