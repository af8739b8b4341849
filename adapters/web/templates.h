// TemplateSet: the web interface's HTML, as mustache templates (kainjow mustache) loaded once
// from a folder.
//
// Every `*.mustache` file is a template named by its file name without the extension; those
// whose names start with '_' are the partials others include (`{{> _error_summary}}`). Values are HTML-escaped by default (`{{value}}`
// escapes & < > " and '); a template opts out only with `{{{...}}}`, which goldthread's
// templates use only for HTML it rendered itself (the page body inside the layout, SVG charts
// it drew). Templates are logic-less: pages hand them data, never code.
//
// Threading: Load once; Render from any thread.
#ifndef GOLDTHREAD_ADAPTERS_WEB_TEMPLATES_H_
#define GOLDTHREAD_ADAPTERS_WEB_TEMPLATES_H_

#include <kainjow/mustache.hpp>

#include <map>
#include <memory>
#include <string>

#include "store/base/errors.h"

namespace goldthread::web {

using Data = kainjow::mustache::data;
using List = kainjow::mustache::list;

class TemplateSet {
 public:
  // Reads every *.mustache under `dir`. kInvalidArgument naming the file for a template that
  // does not parse; kNotFound when `dir` holds none.
  static Result<std::unique_ptr<TemplateSet>> Load(const std::string& dir);

  // Template `name` rendered with `data` (partials from this set). kNotFound for an unknown
  // name.
  Result<std::string> Render(const std::string& name, const Data& data) const;
  bool Has(const std::string& name) const { return sources_.count(name) > 0; }

 private:
  std::map<std::string, std::string> sources_;
};

}  // namespace goldthread::web

#endif  // GOLDTHREAD_ADAPTERS_WEB_TEMPLATES_H_
