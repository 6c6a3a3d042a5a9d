// SPDX-License-Identifier: Apache-2.0
#include "internal/yaml_json.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <optional>
#include <regex>
#include <sstream>

#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/parser.h>
#include <yaml-cpp/yaml.h>

namespace platform::internal {
namespace {

// YAML 1.2 core schema, plus the YAML 1.1 booleans that Go's yaml (and so
// kubectl and the API server's YAML decoder) still read as booleans: a string
// "yes" written plain would come back as true there.
bool is_null_word(std::string_view s) { return s == "~" || s == "null" || s == "Null" || s == "NULL"; }
bool is_true_word(std::string_view s) { return s == "true" || s == "True" || s == "TRUE"; }
bool is_false_word(std::string_view s) { return s == "false" || s == "False" || s == "FALSE"; }
bool is_yaml11_bool(std::string_view s) {
  static constexpr std::string_view kWords[] = {"y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO",
                                                "on", "On", "ON", "off", "Off", "OFF"};
  return std::find(std::begin(kWords), std::end(kWords), s) != std::end(kWords);
}

bool looks_numeric(std::string_view s) {
  if (s.empty()) return false;
  static const std::regex kNumber(
      R"(^[-+]?(\.[0-9]+|[0-9][0-9_]*(\.[0-9_]*)?)([eE][-+]?[0-9]+)?$|^0x[0-9a-fA-F_]+$|^0o[0-7]+$|^[-+]?\.(inf|Inf|INF)$|^\.(nan|NaN|NAN)$|^[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?$)");
  // Cheap pre-check: numbers start with a digit, sign or dot.
  char c = s.front();
  if (!(std::isdigit(static_cast<unsigned char>(c)) || c == '-' || c == '+' || c == '.')) return false;
  return std::regex_match(s.begin(), s.end(), kNumber);
}

Json scalar_to_json(const YAML::Node& node) {
  const std::string& text = node.Scalar();
  if (node.Tag() != "?") return Json(text);  // quoted or explicitly tagged: a string
  if (is_null_word(text) || text.empty()) return Json(nullptr);
  if (is_true_word(text)) return Json(true);
  if (is_false_word(text)) return Json(false);
  if (!text.empty() && (std::isdigit(static_cast<unsigned char>(text[0])) || text[0] == '-' || text[0] == '+')) {
    std::int64_t i = 0;
    const char* b = text.data() + (text[0] == '+' ? 1 : 0);
    const char* e = text.data() + text.size();
    auto [p, ec] = std::from_chars(b, e, i);
    if (ec == std::errc() && p == e) return Json(i);
    std::uint64_t u = 0;
    auto [pu, ecu] = std::from_chars(b, e, u);
    if (ecu == std::errc() && pu == e) return Json(u);
  }
  // Most plain scalars are words: only strings made of number characters can
  // be floats, so the regex runs on those alone.
  static const std::regex kFloat(R"(^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$)");
  if (text.find_first_not_of("0123456789.eE+-") == std::string::npos && std::regex_match(text, kFloat)) {
    try {
      return Json(std::stod(text));
    } catch (...) {
      return Json(text);
    }
  }
  if (text == ".inf" || text == "+.inf" || text == ".Inf" || text == ".INF") return Json(INFINITY);
  if (text == "-.inf" || text == "-.Inf" || text == "-.INF") return Json(-INFINITY);
  return Json(text);
}

// yaml-cpp 0.7's LoadAll() loops forever, allocating a null document per
// turn, on some malformed input (a lone ",": jbeder/yaml-cpp#1040, fixed
// after 0.7 by jbeder/yaml-cpp#1319): the parser reports a new document
// without consuming anything. A first pass with this no-op handler notices a
// document starting where the previous one started, so parse_yaml_stream
// refuses such input before LoadAll() sees it.
class ProgressCheck : public YAML::EventHandler {
 public:
  bool stuck = false;
  YAML::Mark where;

  void OnDocumentStart(const YAML::Mark& mark) override {
    stuck = stuck || (started_ && mark.pos == last_.pos);
    started_ = true;
    last_ = mark;
    where = mark;
  }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t, const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}

 private:
  bool started_ = false;
  YAML::Mark last_;
};

}  // namespace

std::size_t invalid_utf8_at(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const std::size_t n = s.size();
  std::size_t i = 0;
  while (i < n) {
    const unsigned char c = p[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t len = 0;
    unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
    if (c >= 0xC2 && c <= 0xDF) len = 2;
    else if (c == 0xE0) len = 3, lo = 0xA0;
    else if (c >= 0xE1 && c <= 0xEC) len = 3;
    else if (c == 0xED) len = 3, hi = 0x9F;  // no surrogates
    else if (c >= 0xEE && c <= 0xEF) len = 3;
    else if (c == 0xF0) len = 4, lo = 0x90;
    else if (c >= 0xF1 && c <= 0xF3) len = 4;
    else if (c == 0xF4) len = 4, hi = 0x8F;  // at most U+10FFFF
    else return i;
    if (i + len > n || p[i + 1] < lo || p[i + 1] > hi) return i;
    for (std::size_t k = 2; k < len; ++k) {
      if (p[i + k] < 0x80 || p[i + k] > 0xBF) return i;
    }
    i += len;
  }
  return std::string_view::npos;
}

namespace {

std::string too_deep(const YamlParseOptions& options, SourceMark at) {
  return location(options, at) + ": YAML nested deeper than " + std::to_string(options.max_depth) +
         " levels; flatten the document";
}

struct Converter {
  const YamlParseOptions& options;
  std::vector<std::pair<std::string, SourceMark>>* marks;
  // Nodes left to convert: an alias (*a) expands its anchor's whole tree, so
  // a few lines of nested aliases ("billion laughs") would otherwise become
  // billions of JSON nodes.
  std::size_t budget = 0;

  static SourceMark mark(const YAML::Node& n) {
    YAML::Mark m = n.Mark();
    return {m.line + 1, m.column + 1};
  }

  static std::string escape_pointer(const std::string& key) {
    std::string out;
    for (char c : key) {
      if (c == '~') out += "~0";
      else if (c == '/') out += "~1";
      else out += c;
    }
    return out;
  }

  // The text was checked before parsing, but yaml-cpp 0.7 can still hand back
  // scalars holding bytes that are not UTF-8 (found by fuzzing), which would
  // make every later JSON dump throw: refuse them here, where the place is known.
  Status check_utf8(const YAML::Node& node) const {
    if (invalid_utf8_at(node.Scalar()) == std::string_view::npos) return {};
    return invalid_argument(location(options, mark(node)) +
                            ": this scalar holds bytes that are not UTF-8 once decoded; "
                            "check it for stray control characters and write non-ASCII text as UTF-8 or \\u escapes");
  }

  Status convert(const YAML::Node& node, std::string& pointer, std::size_t depth, Json& out) {
    if (depth > options.max_depth) {
      return invalid_argument(too_deep(options, mark(node)));
    }
    if (budget == 0) {
      return Status(StatusCode::kResourceExhausted,
                    location(options, mark(node)) + ": YAML aliases expand to more than " +
                        std::to_string(kAliasExpansionNodes) +
                        " nodes beyond the input's size; expand the anchors by hand or use fewer aliases of aliases");
    }
    --budget;
    if (marks) marks->emplace_back(pointer, mark(node));
    switch (node.Type()) {
      case YAML::NodeType::Undefined:
      case YAML::NodeType::Null:
        out = nullptr;
        return {};
      case YAML::NodeType::Scalar:
        PLATFORM_RETURN_IF_ERROR(check_utf8(node));
        out = scalar_to_json(node);
        return {};
      case YAML::NodeType::Sequence: {
        out = Json::array();
        std::size_t i = 0;
        for (const YAML::Node& item : node) {
          std::size_t len = pointer.size();
          pointer += '/';
          pointer += std::to_string(i++);
          Json child;
          PLATFORM_RETURN_IF_ERROR(convert(item, pointer, depth + 1, child));
          out.push_back(std::move(child));
          pointer.resize(len);
        }
        return {};
      }
      case YAML::NodeType::Map: {
        out = Json::object();
        for (const auto& kv : node) {
          if (!kv.first.IsScalar()) {
            return invalid_argument(location(options, mark(kv.first)) + ": mapping keys must be plain strings");
          }
          const std::string& key = kv.first.Scalar();
          PLATFORM_RETURN_IF_ERROR(check_utf8(kv.first));
          if (out.contains(key)) {
            return invalid_argument(location(options, mark(kv.first)) + ": duplicate key '" + key +
                                    "'; each key may appear once per mapping");
          }
          std::size_t len = pointer.size();
          pointer += '/';
          pointer += escape_pointer(key);
          Json child;
          PLATFORM_RETURN_IF_ERROR(convert(kv.second, pointer, depth + 1, child));
          out[key] = std::move(child);
          pointer.resize(len);
        }
        return {};
      }
    }
    return {};
  }
};

// yaml-cpp keeps a stack entry per open flow collection ([ or {) and stops
// only at ~500 levels, after ~150 bytes per input byte: this scan refuses
// deeper flow nesting before it runs. It counts brackets outside quoted
// scalars and comments; brackets inside plain scalars may be over-counted,
// which only matters for hundreds of unbalanced ones. Returns where the
// depth first exceeds `limit`, if it does.
std::optional<SourceMark> flow_nesting_beyond(std::string_view text, std::size_t limit) {
  std::size_t depth = 0;
  int line = 1;
  std::size_t line_start = 0;
  char prev = '\n';
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    const bool after_space = prev == '\n' || prev == ' ' || prev == '\t';
    if (c == '\n') {
      ++line;
      line_start = i + 1;
    } else if (c == '#' && after_space) {
      while (i + 1 < text.size() && text[i + 1] != '\n') ++i;
    } else if ((c == '"' || c == '\'') && (after_space || prev == '[' || prev == '{' || prev == ',' || prev == ':')) {
      for (++i; i < text.size(); ++i) {
        if (text[i] == '\n') {
          ++line;
          line_start = i + 1;
        } else if (c == '"' && text[i] == '\\') {
          ++i;
        } else if (text[i] == c) {
          if (c == '\'' && i + 1 < text.size() && text[i + 1] == '\'') {
            ++i;  // '' is a quote inside a single-quoted scalar
            continue;
          }
          break;
        }
      }
    } else if (c == '[' || c == '{') {
      if (++depth > limit) return SourceMark{line, static_cast<int>(i - line_start) + 1};
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
    prev = i < text.size() ? text[i] : c;
  }
  return std::nullopt;
}

bool needs_quotes(std::string_view s) { return !is_plain_safe(s); }

void append_quoted(std::string& out, std::string_view s) {
  out += '"';
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default:
        if (c < 0x20 || c == 0x7f) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\x%02x", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  out += '"';
}

void append_indent(std::string& out, int indent) { out.append(static_cast<std::size_t>(indent), ' '); }

bool can_be_literal_block(std::string_view s) {
  if (s.find('\n') == std::string_view::npos) return false;
  for (unsigned char c : s) {
    if ((c < 0x20 && c != '\n') || c == 0x7f) return false;
  }
  // Leading spaces on the first line would need an indentation indicator;
  // trailing spaces on a line survive a literal block, but keep it simple.
  if (s.front() == ' ' || s.front() == '\n') return false;
  return true;
}

void append_string(std::string& out, std::string_view s, int indent) {
  if (can_be_literal_block(s)) {
    // Chomping: "|" keeps exactly one final newline, "|-" none, "|+" all.
    std::size_t trailing = 0;
    while (trailing < s.size() && s[s.size() - 1 - trailing] == '\n') ++trailing;
    out += trailing == 0 ? "|-" : trailing == 1 ? "|" : "|+";
    std::string_view body = s.substr(0, s.size() - trailing);
    std::size_t pos = 0;
    while (pos <= body.size()) {
      std::size_t nl = body.find('\n', pos);
      std::string_view line = body.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
      out += '\n';
      if (!line.empty()) {
        append_indent(out, indent);
        out += line;
      }
      if (nl == std::string_view::npos) break;
      pos = nl + 1;
    }
    for (std::size_t i = 1; i < trailing; ++i) out += '\n';
    return;
  }
  if (needs_quotes(s)) {
    append_quoted(out, s);
  } else {
    out += s;
  }
}

void append_scalar(std::string& out, const Json& v, int indent) {
  switch (v.type()) {
    case Json::value_t::null: out += "null"; break;
    case Json::value_t::boolean: out += v.get<bool>() ? "true" : "false"; break;
    case Json::value_t::string: append_string(out, v.get_ref<const std::string&>(), indent); break;
    case Json::value_t::number_float: {
      double d = v.get<double>();
      if (std::isnan(d)) out += ".nan";
      else if (std::isinf(d)) out += d > 0 ? ".inf" : "-.inf";
      else out += v.dump();
      break;
    }
    default: out += v.dump(); break;
  }
}

bool is_empty_container(const Json& v) { return (v.is_object() || v.is_array()) && v.empty(); }

void emit(std::string& out, const Json& v, int indent);

// Emits `v` as the value of a mapping key or a sequence item whose
// indicator is already written; `indent` is the indentation of the key.
void emit_value_after_key(std::string& out, const Json& v, int indent) {
  if (v.is_object() && !v.empty()) {
    out += '\n';
    emit(out, v, indent + 2);
  } else if (v.is_array() && !v.empty()) {
    out += '\n';
    emit(out, v, indent);  // kubectl style: "- " at the key's indentation
  } else if (is_empty_container(v)) {
    out += v.is_object() ? " {}\n" : " []\n";
  } else {
    out += ' ';
    append_scalar(out, v, indent + 2);
    out += '\n';
  }
}

void emit(std::string& out, const Json& v, int indent) {
  if (v.is_object()) {
    for (auto it = v.begin(); it != v.end(); ++it) {
      append_indent(out, indent);
      append_string(out, it.key(), indent);
      out += ':';
      emit_value_after_key(out, it.value(), indent);
    }
  } else if (v.is_array()) {
    for (const Json& item : v) {
      append_indent(out, indent);
      out += '-';
      if (item.is_object() && !item.empty()) {
        // First key on the dash line, the rest aligned under it.
        bool first = true;
        for (auto it = item.begin(); it != item.end(); ++it) {
          if (first) {
            out += ' ';
            first = false;
          } else {
            append_indent(out, indent + 2);
          }
          append_string(out, it.key(), indent + 2);
          out += ':';
          emit_value_after_key(out, it.value(), indent + 2);
        }
      } else if (item.is_array() && !item.empty()) {
        out += '\n';
        emit(out, item, indent + 2);
      } else {
        emit_value_after_key(out, item, indent);
      }
    }
  } else {
    append_indent(out, indent);
    append_scalar(out, v, indent + 2);
    out += '\n';
  }
}

}  // namespace

SourceMark YamlDocument::mark_of(std::string_view pointer) const {
  std::string p(pointer);
  for (;;) {
    for (const auto& [ptr, m] : marks) {
      if (ptr == p) return m;
    }
    if (p.empty()) return start;
    std::size_t slash = p.rfind('/');
    p.resize(slash == std::string::npos ? 0 : slash);
  }
}

std::string location(const YamlParseOptions& options, SourceMark mark) {
  return options.source_name + ":" + std::to_string(mark.line) + ":" + std::to_string(mark.column);
}

bool is_plain_safe(std::string_view s) {
  if (s.empty()) return false;
  if (is_null_word(s) || is_true_word(s) || is_false_word(s) || is_yaml11_bool(s)) return false;
  if (looks_numeric(s)) return false;
  unsigned char first = static_cast<unsigned char>(s.front());
  if (std::string_view("-?:,[]{}#&*!|>'\"%@`").find(static_cast<char>(first)) != std::string_view::npos) {
    // "-foo" and ":foo" are plain-safe in YAML, but only some parsers agree.
    return false;
  }
  if (first == ' ' || s.back() == ' ' || s.back() == ':') return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 || c == 0x7f) return false;
    if (c == ':' && i + 1 < s.size() && s[i + 1] == ' ') return false;
    if (c == '#' && i > 0 && s[i - 1] == ' ') return false;
  }
  return true;
}

Result<std::vector<YamlDocument>> parse_yaml_stream(std::string_view text, const YamlParseOptions& options) {
  if (text.size() > options.max_bytes) {
    return Status(StatusCode::kResourceExhausted,
                  options.source_name + ": YAML input of " + std::to_string(text.size()) +
                      " bytes exceeds the limit of " + std::to_string(options.max_bytes) + " bytes");
  }
  // Every string later goes through nlohmann::json, which throws on invalid
  // UTF-8 when dumped: refuse such input here, where the place can be named.
  if (std::size_t bad = invalid_utf8_at(text); bad != std::string_view::npos) {
    const std::size_t line_start = text.rfind('\n', bad == 0 ? 0 : bad - 1);
    const int line = 1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<long>(bad), '\n'));
    const int column = static_cast<int>(bad - (line_start == std::string_view::npos || bad == 0 ? 0 : line_start + 1)) + 1;
    char byte[8];
    std::snprintf(byte, sizeof byte, "0x%02x", static_cast<unsigned char>(text[bad]));
    return invalid_argument(location(options, {line, column}) + ": invalid YAML: byte " + byte +
                            " is not UTF-8; save the file as UTF-8");
  }
  if (auto at = flow_nesting_beyond(text, 4 * options.max_depth)) {
    return Status(StatusCode::kResourceExhausted, too_deep(options, *at));
  }
  std::vector<YAML::Node> nodes;
  try {
    std::istringstream in{std::string(text)};
    YAML::Parser parser(in);
    ProgressCheck check;
    while (parser.HandleNextDocument(check)) {
      if (check.stuck) {
        return invalid_argument(location(options, {check.where.line + 1, check.where.column + 1}) +
                                ": invalid YAML: no document can start here; check this line's syntax "
                                "(a stray ',', ']' or '}')");
      }
    }
    nodes = YAML::LoadAll(std::string(text));
  } catch (const YAML::DeepRecursion& e) {
    // yaml-cpp's parser recurses per level and stops itself (DepthGuard) long
    // before the stack ends; its message ("bad file") says nothing useful.
    return Status(StatusCode::kResourceExhausted, too_deep(options, {e.mark.line + 1, e.mark.column + 1}));
  } catch (const YAML::Exception& e) {
    return invalid_argument(location(options, {e.mark.line + 1, e.mark.column + 1}) + ": invalid YAML: " + e.msg);
  } catch (const std::exception& e) {
    return invalid_argument(options.source_name + ": invalid YAML: " + e.what());
  }
  // Without aliases a document has fewer nodes than bytes; the budget is
  // shared by all documents of the stream.
  std::size_t budget = text.size() + kAliasExpansionNodes;
  std::vector<YamlDocument> docs;
  docs.reserve(nodes.size());
  std::size_t index = 0;
  for (const YAML::Node& node : nodes) {
    std::size_t this_index = index++;
    if (!node || node.IsNull()) continue;
    YamlDocument doc;
    doc.index = this_index;
    doc.start = Converter::mark(node);
    Converter conv{options, options.record_marks ? &doc.marks : nullptr, budget};
    std::string pointer;
    PLATFORM_RETURN_IF_ERROR(conv.convert(node, pointer, 0, doc.value));
    budget = conv.budget;
    docs.push_back(std::move(doc));
  }
  return docs;
}

void append_yaml(std::string& out, const Json& value) {
  if (is_empty_container(value)) {
    out += value.is_object() ? "{}\n" : "[]\n";
    return;
  }
  emit(out, value, 0);
}

std::string to_yaml(const Json& value) {
  std::string out;
  append_yaml(out, value);
  return out;
}

}  // namespace platform::internal
