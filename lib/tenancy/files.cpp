// SPDX-License-Identifier: Apache-2.0
#include "tenancy/files.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <vector>

namespace platform::tenancy::internal {

Status for_each_document(const std::filesystem::path& path, const DocumentFn& fn) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::exists(path, ec)) return not_found("no such file or directory: " + path.string());
  std::vector<fs::path> files;
  if (fs::is_directory(path, ec)) {
    for (auto it = fs::recursive_directory_iterator(path, ec); !ec && it != fs::recursive_directory_iterator();
         it.increment(ec)) {
      const auto ext = it->path().extension();
      if (it->is_regular_file() && (ext == ".yaml" || ext == ".yml")) files.push_back(it->path());
    }
    if (ec) return not_found("cannot read " + path.string() + ": " + ec.message());
    std::sort(files.begin(), files.end());
  } else {
    files.push_back(path);
  }
  for (const fs::path& f : files) {
    const std::string base = f.filename().string();
    if (base == "kustomization.yaml" || base == "kustomization.yml") continue;
    std::ifstream in(f, std::ios::binary);
    if (!in) return not_found("cannot read " + f.string());
    std::stringstream ss;
    ss << in.rdbuf();
    platform::internal::YamlParseOptions options;
    options.source_name = f.string();
    auto docs = platform::internal::parse_yaml_stream(ss.str(), options);
    if (!docs.ok()) return docs.status();
    for (const auto& d : *docs) PLATFORM_RETURN_IF_ERROR(fn(f, d, options));
  }
  return {};
}

}  // namespace platform::tenancy::internal
