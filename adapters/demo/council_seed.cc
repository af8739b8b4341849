#include "adapters/demo/council_seed.h"

#include <fmt/format.h>
#include <google/protobuf/io/tokenizer.h>
#include <google/protobuf/text_format.h>

#include <fstream>
#include <set>
#include <sstream>

#include "engine/timetable/workflow.h"

namespace goldthread::adapters {
namespace {

namespace v1 = goldthread::v1;
namespace pb = google::protobuf;

// Syntax errors from the text-format parser, as "file:line:column: message".
class SyntaxErrors : public pb::io::ErrorCollector {
 public:
  SyntaxErrors(std::string_view file, std::vector<std::string>* out) : file_(file), out_(out) {}
  void AddError(int line, pb::io::ColumnNumber column, const std::string& message) override {
    if (line < 0) {
      out_->push_back(fmt::format("{}: {}", file_, message));
    } else {
      out_->push_back(fmt::format("{}:{}:{}: {}", file_, line + 1, column + 1, message));
    }
  }
  void AddWarning(int line, pb::io::ColumnNumber column, const std::string& message) override {
    AddError(line, column, message);
  }

 private:
  std::string_view file_;
  std::vector<std::string>* out_;
};

// Checks a parsed DemoCouncil and resolves its references, collecting every problem with the
// line of the field at fault (or of the message that should have held a missing field).
class SeedChecker {
 public:
  SeedChecker(const std::string& file, const pb::TextFormat::ParseInfoTree& tree, CouncilSeed* seed)
      : file_(file), tree_(tree), seed_(seed), c_(seed->council) {}

  std::vector<std::string> Check() {
    Require(c_.id(), Top("id"), "the council's id is required");
    Require(c_.name(), Top("name"), "the council's name is required");
    Require(c_.email_domain(), Top("email_domain"), "email_domain is required");
    AddUnit(c_.id(), c_.name(), Top("id"));
    AddPerson(c_.administrator().id(), c_.administrator().name(), Top("administrator"));

    std::map<std::string, int> directorates;
    for (int i = 0; i < c_.directorates_size(); ++i) {
      const auto& d = c_.directorates(i);
      const int line = Item("directorates", i);
      AddUnit(d.id(), d.name(), line);
      AddPerson(d.director().id(), d.director().name(), line);
      directorates[d.id()] = i;
    }
    if (c_.services_size() == 0) Problem(Top("services"), "the council needs a service");
    std::map<std::string, int> services;
    for (int i = 0; i < c_.services_size(); ++i) {
      const auto& s = c_.services(i);
      const int line = Item("services", i);
      AddUnit(s.id(), s.name(), line);
      AddPerson("entry-" + s.id(), s.data_entry_officer(), line);
      AddPerson("hos-" + s.id(), s.head_of_service(), line);
      auto d = directorates.find(s.directorate_id());
      if (d == directorates.end()) {
        Problem(
            Field("services", i, "directorate_id"),
            fmt::format("service '{}': there is no directorate '{}'", s.id(), s.directorate_id()));
      }
      seed_->service_directorate.push_back(d == directorates.end() ? 0 : d->second);
      if (!(s.late_chance() >= 0 && s.late_chance() <= 1)) {
        Problem(Field("services", i, "late_chance"), "late_chance is a chance, from 0 to 1");
      }
      services[s.id()] = i;
    }
    AddUnit(c_.partnership_board().id(), c_.partnership_board().name(), Top("partnership_board"));
    std::set<std::string> corporate;
    for (int i = 0; i < c_.corporate_people_size(); ++i) {
      const auto& p = c_.corporate_people(i);
      const int line = Item("corporate_people", i);
      AddPerson(p.id(), p.name(), line);
      corporate.insert(p.id());
      if (p.role() == v1::ROLE_UNSPECIFIED) Problem(line, fmt::format("'{}' needs a role", p.id()));
      RequireUnit(p.scope_unit_id(), Field("corporate_people", i, "scope_unit_id"));
    }
    auto corporate_person = [&](const std::string& id, int line, std::string_view what) {
      if (!corporate.contains(id)) {
        Problem(line, fmt::format("the {} '{}' is not one of corporate_people", what, id));
      }
    };
    corporate_person(c_.partnership_board().chair_id(), Top("partnership_board"),
                     "partnership board's chair");
    corporate_person(c_.performance_officer_id(), Top("performance_officer_id"),
                     "performance officer");
    corporate_person(c_.scrutiny_member_id(), Top("scrutiny_member_id"), "scrutiny member");
    corporate_person(c_.chief_executive_id(), Top("chief_executive_id"), "chief executive");

    std::set<std::string> priorities;
    for (int i = 0; i < c_.priorities_size(); ++i) {
      const auto& p = c_.priorities(i);
      if (p.id().empty() || !priorities.insert(p.id()).second) {
        Problem(Item("priorities", i),
                fmt::format("priority id '{}' is empty or repeated", p.id()));
      }
      RequireUnit(p.owner_unit_id(), Field("priorities", i, "owner_unit_id"));
    }
    if (c_.indicators_size() == 0) Problem(Top("indicators"), "the council needs an indicator");
    std::set<std::string> indicators;
    for (int i = 0; i < c_.indicators_size(); ++i) {
      const auto& ind = c_.indicators(i);
      const int line = Item("indicators", i);
      if (ind.id().empty() || !indicators.insert(ind.id()).second) {
        Problem(line, fmt::format("indicator id '{}' is empty or repeated", ind.id()));
      }
      auto s = services.find(ind.service_id());
      if (s == services.end()) {
        Problem(
            Field("indicators", i, "service_id"),
            fmt::format("indicator '{}': there is no service '{}'", ind.id(), ind.service_id()));
      }
      seed_->indicator_service.push_back(s == services.end() ? 0 : s->second);
      if (!priorities.contains(ind.priority_id())) {
        Problem(
            Field("indicators", i, "priority_id"),
            fmt::format("indicator '{}': there is no priority '{}'", ind.id(), ind.priority_id()));
      }
      Require(ind.title(), Field("indicators", i, "title"), "an indicator needs a title");
      Require(ind.unit(), Field("indicators", i, "unit"), "an indicator needs a unit");
      if (ind.polarity() == v1::POLARITY_UNSPECIFIED) {
        Problem(line, fmt::format("indicator '{}' needs a polarity", ind.id()));
      }
      if (ind.perspective() == v1::PERSPECTIVE_UNSPECIFIED) {
        Problem(line, fmt::format("indicator '{}' needs a perspective", ind.id()));
      }
      if (ind.decimal_places() > 6) {
        Problem(Field("indicators", i, "decimal_places"), "decimal_places is 0 to 6");
      }
    }
    const int commentary = Top("commentary");
    if (c_.commentary().amber_reasons().empty() || c_.commentary().red_reasons().empty() ||
        c_.commentary().red_actions().empty()) {
      Problem(commentary, "commentary needs amber_reasons, red_reasons and red_actions");
    }
    for (int i = 0; i < c_.users_size(); ++i) {
      const auto& u = c_.users(i);
      if (!seed_->person_names.contains(u.person_id())) {
        Problem(Field("users", i, "person_id"),
                fmt::format("demo user: there is no person '{}'", u.person_id()));
      }
      RequireUnit(u.scope_unit_id(), Field("users", i, "scope_unit_id"));
    }
    return problems_;
  }

 private:
  // The line of a top-level field (1-based), or 1 when it is absent.
  int Top(std::string_view field) const {
    return LineIn(&tree_, v1::DemoCouncil::descriptor(), field, -1, 1);
  }
  // The line of item `index` of a top-level repeated field.
  int Item(std::string_view field, int index) const {
    return LineIn(&tree_, v1::DemoCouncil::descriptor(), field, index, Top(field));
  }
  // The line of `inner` in item `index` of a top-level repeated field (the item's line when
  // absent).
  int Field(std::string_view field, int index, std::string_view inner) const {
    const pb::Descriptor* top = v1::DemoCouncil::descriptor();
    const pb::FieldDescriptor* f = top->FindFieldByName(std::string(field));
    const pb::TextFormat::ParseInfoTree* nested = tree_.GetTreeForNested(f, index);
    return LineIn(nested, f->message_type(), inner, -1, Item(field, index));
  }
  static int LineIn(const pb::TextFormat::ParseInfoTree* tree, const pb::Descriptor* type,
                    std::string_view field, int index, int fallback) {
    if (tree == nullptr || type == nullptr) return fallback;
    const pb::FieldDescriptor* f = type->FindFieldByName(std::string(field));
    if (f == nullptr) return fallback;
    // The parser's tree indexes repeated fields only (a list's first item stands for the list).
    if (f->is_repeated() != (index >= 0)) index = f->is_repeated() ? 0 : -1;
    const pb::TextFormat::ParseLocation loc = tree->GetLocation(f, index);
    return loc.line >= 0 ? loc.line + 1 : fallback;
  }

  void Problem(int line, const std::string& message) {
    problems_.push_back(fmt::format("{}:{}: {}", file_, line, message));
  }
  void Require(const std::string& value, int line, const std::string& message) {
    if (value.empty()) Problem(line, message);
  }
  void AddUnit(const std::string& id, const std::string& name, int line) {
    if (id.empty() || name.empty()) {
      Problem(line, "a unit needs an id and a name");
    } else if (!seed_->unit_names.emplace(id, name).second) {
      Problem(line, fmt::format("unit id '{}' is used twice", id));
    }
  }
  void AddPerson(const std::string& id, const std::string& name, int line) {
    if (id.empty() || name.empty()) {
      Problem(line, "a person needs an id and a name");
    } else if (!seed_->person_names.emplace(id, name).second) {
      Problem(line, fmt::format("person id '{}' is used twice", id));
    }
  }
  void RequireUnit(const std::string& id, int line) {
    if (!seed_->unit_names.contains(id)) Problem(line, fmt::format("there is no unit '{}'", id));
  }

  const std::string& file_;
  const pb::TextFormat::ParseInfoTree& tree_;
  CouncilSeed* seed_;
  const v1::DemoCouncil& c_;
  std::vector<std::string> problems_;
};

Error Refused(const std::vector<std::string>& problems) {
  std::string message;
  for (const std::string& p : problems) message += (message.empty() ? "" : "\n") + p;
  return Error{ErrorCode::kInvalidArgument, std::move(message), "council_path", std::nullopt};
}

}  // namespace

std::string CouncilSeed::DataEntryOfficerOf(int service) const {
  return "entry-" + council.services(service).id();
}
std::string CouncilSeed::HeadOfServiceOf(int service) const {
  return "hos-" + council.services(service).id();
}
std::string CouncilSeed::DirectorOf(int service) const {
  return council.directorates(service_directorate[service]).director().id();
}

std::string DefaultDemoCouncilPath() {
  return engine::DefaultWorkflowsDir() + "/demo/ashcombe.textproto";
}

Result<CouncilSeed> ParseCouncilSeed(std::string_view text, const std::string& file) {
  std::vector<std::string> problems;
  SyntaxErrors syntax(file, &problems);
  pb::TextFormat::ParseInfoTree tree;
  pb::TextFormat::Parser parser;
  parser.RecordErrorsTo(&syntax);
  parser.WriteLocationsTo(&tree);
  CouncilSeed seed;
  if (!parser.ParseFromString(std::string(text), &seed.council)) {
    if (problems.empty()) problems.push_back(fmt::format("{}: does not parse", file));
    return Unexpected(Refused(problems));
  }
  problems = SeedChecker(file, tree, &seed).Check();
  if (!problems.empty()) return Unexpected(Refused(problems));
  return seed;
}

Result<CouncilSeed> LoadCouncilSeed(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return MakeError(ErrorCode::kNotFound,
                     fmt::format("cannot read the demo council file '{}'", path), "council_path");
  }
  std::ostringstream text;
  text << in.rdbuf();
  return ParseCouncilSeed(text.str(), path);
}

}  // namespace goldthread::adapters
