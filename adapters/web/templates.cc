#include "adapters/web/templates.h"

#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace goldthread::web {

namespace fs = std::filesystem;

Result<std::unique_ptr<TemplateSet>> TemplateSet::Load(const std::string& dir) {
  auto set = std::unique_ptr<TemplateSet>(new TemplateSet());
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (entry.path().extension() != ".mustache") continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    kainjow::mustache::mustache parsed(text.str());
    if (!parsed.is_valid()) {
      return MakeError(ErrorCode::kInvalidArgument,
                       fmt::format("template {} does not parse: {}", entry.path().string(),
                                   parsed.error_message()));
    }
    set->sources_[entry.path().stem().string()] = text.str();
  }
  if (set->sources_.empty()) {
    return MakeError(ErrorCode::kNotFound,
                     fmt::format("no web templates (*.mustache) in {}", dir));
  }
  return set;
}

Result<std::string> TemplateSet::Render(const std::string& name, const Data& data) const {
  auto it = sources_.find(name);
  if (it == sources_.end()) {
    return MakeError(ErrorCode::kNotFound, fmt::format("no template '{}'", name));
  }
  kainjow::mustache::mustache tmpl(it->second);
  // Partials are the templates whose names start with '_' (kainjow looks partials up among
  // the data, so a page's own data keys must never meet a template's name).
  Data with_partials = data;
  for (const auto& [partial, source] : sources_) {
    if (partial.empty() || partial[0] != '_') continue;
    const std::string* text = &source;
    with_partials.set(partial, kainjow::mustache::partial([text] { return *text; }));
  }
  std::string out = tmpl.render(with_partials);
  if (!tmpl.is_valid()) {
    return MakeError(ErrorCode::kInternal,
                     fmt::format("template {} failed: {}", name, tmpl.error_message()));
  }
  return out;
}

}  // namespace goldthread::web
