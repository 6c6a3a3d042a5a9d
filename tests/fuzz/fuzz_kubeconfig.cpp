// SPDX-License-Identifier: Apache-2.0
// Fuzz target: kubeconfig loading. The input is written to a file in a
// private temporary directory and loaded as --kubeconfig (paths inside it
// resolve against that directory).
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

#include "platform/k8s/client.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::filesystem::path dir = [] {
    auto d = std::filesystem::temp_directory_path() / ("platform-fuzz-kubeconfig-" + std::to_string(::getpid()));
    std::filesystem::create_directories(d);
    return d;
  }();
  const std::filesystem::path file = dir / "config";
  {
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  auto options = platform::k8s::load_client_options({.kubeconfig = file.string(), .context = ""});
  if (!options.ok()) (void)options.status().to_string();
  return 0;
}
