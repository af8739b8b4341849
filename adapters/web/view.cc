#include "adapters/web/view.h"

#include <date/date.h>
#include <date/tz.h>
#include <fmt/format.h>
#include <google/protobuf/descriptor.h>
#include <google/protobuf/reflection.h>
#include <google/protobuf/util/time_util.h>

#include <cctype>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <cmath>

#include "adapters/web/token.h"
#include "engine/model/authority.h"

namespace goldthread::web {

namespace pb = google::protobuf;

namespace {

const date::time_zone* London() {
  static const date::time_zone* zone = date::locate_zone("Europe/London");
  return zone;
}

const char* kMonths[] = {"January", "February", "March",     "April",   "May",      "June",
                         "July",    "August",   "September", "October", "November", "December"};

std::string LowerCamel(const std::string& s) { return s; }

void SetField(Data& out, const pb::Message& m, const pb::FieldDescriptor* f);

Data Scalar(const pb::Message& m, const pb::FieldDescriptor* f, int index, Data* extra,
            const std::string& name) {
  const pb::Reflection* r = m.GetReflection();
  const bool rep = f->is_repeated();
  switch (f->cpp_type()) {
    case pb::FieldDescriptor::CPPTYPE_STRING:
      return Data(rep ? r->GetRepeatedString(m, f, index) : r->GetString(m, f));
    case pb::FieldDescriptor::CPPTYPE_INT32:
      return Data(std::to_string(rep ? r->GetRepeatedInt32(m, f, index) : r->GetInt32(m, f)));
    case pb::FieldDescriptor::CPPTYPE_INT64:
      return Data(std::to_string(rep ? r->GetRepeatedInt64(m, f, index) : r->GetInt64(m, f)));
    case pb::FieldDescriptor::CPPTYPE_UINT32:
      return Data(std::to_string(rep ? r->GetRepeatedUInt32(m, f, index) : r->GetUInt32(m, f)));
    case pb::FieldDescriptor::CPPTYPE_UINT64:
      return Data(std::to_string(rep ? r->GetRepeatedUInt64(m, f, index) : r->GetUInt64(m, f)));
    case pb::FieldDescriptor::CPPTYPE_DOUBLE:
      return Data(fmt::format("{}", rep ? r->GetRepeatedDouble(m, f, index) : r->GetDouble(m, f)));
    case pb::FieldDescriptor::CPPTYPE_FLOAT:
      return Data(fmt::format("{}", rep ? r->GetRepeatedFloat(m, f, index) : r->GetFloat(m, f)));
    case pb::FieldDescriptor::CPPTYPE_BOOL: {
      const bool b = rep ? r->GetRepeatedBool(m, f, index) : r->GetBool(m, f);
      return b ? Data(Data::type::bool_true) : Data(Data::type::bool_false);
    }
    case pb::FieldDescriptor::CPPTYPE_ENUM: {
      const pb::EnumValueDescriptor* v =
          rep ? r->GetRepeatedEnum(m, f, index) : r->GetEnum(m, f);
      if (extra != nullptr) {
        std::string key = EnumWords(v);
        for (char& c : key) c = c == ' ' ? '-' : c;
        extra->set(name + "Key", key);
      }
      return Data(EnumWords(v));
    }
    case pb::FieldDescriptor::CPPTYPE_MESSAGE: {
      const pb::Message& sub = rep ? r->GetRepeatedMessage(m, f, index) : r->GetMessage(m, f);
      if (sub.GetDescriptor()->full_name() == "google.protobuf.Timestamp") {
        const auto& t = static_cast<const pb::Timestamp&>(sub);
        if (extra != nullptr) extra->set(name + "Iso", pb::util::TimeUtil::ToString(t));
        return Data(FormatLondonTime(t));
      }
      return MessageData(sub);
    }
  }
  return Data("");
}

void SetField(Data& out, const pb::Message& m, const pb::FieldDescriptor* f) {
  const pb::Reflection* r = m.GetReflection();
  const std::string name = LowerCamel(f->json_name());
  if (f->is_repeated()) {
    List items;
    const int n = r->FieldSize(m, f);
    for (int i = 0; i < n; ++i) items.push_back(Scalar(m, f, i, nullptr, name));
    out.set(name, items);
    if (n > 0) out.set(name + "Any", true);
    return;
  }
  if (f->cpp_type() == pb::FieldDescriptor::CPPTYPE_MESSAGE && !r->HasField(m, f)) return;
  if (f->cpp_type() == pb::FieldDescriptor::CPPTYPE_STRING && r->GetString(m, f).empty()) return;
  out.set(name, Scalar(m, f, -1, &out, name));
}

}  // namespace

TimePoint TimeOf(const pb::Timestamp& t) {
  return TimePoint(std::chrono::microseconds(pb::util::TimeUtil::TimestampToMicroseconds(t)));
}

Data ErrorItem(const std::string& field, const std::string& text) {
  Data d;
  d.set("href", "#" + field);
  d.set("text", text);
  d.set("field", field);
  return d;
}

Result<std::string> XlsxBytes(const adapters::Sheet& sheet) {
  const auto path =
      std::filesystem::temp_directory_path() / ("goldthread-web-" + RandomToken() + ".xlsx");
  Status written = adapters::WriteXlsx(sheet, path.string());
  std::string bytes;
  if (written) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream out;
    out << in.rdbuf();
    bytes = out.str();
  }
  std::error_code ec;
  std::filesystem::remove(path, ec);
  if (!written) return Unexpected(written.error());
  return bytes;
}

std::string FormatLondonTime(TimePoint t) {
  const auto local =
      date::make_zoned(London(), std::chrono::time_point_cast<std::chrono::seconds>(t))
          .get_local_time();
  const auto day = date::floor<date::days>(local);
  const date::year_month_day ymd(day);
  const date::hh_mm_ss<std::chrono::seconds> hms(local - day);
  const int hour = static_cast<int>(hms.hours().count());
  const int h12 = hour % 12 == 0 ? 12 : hour % 12;
  return fmt::format("{} {} {}, {}:{:02}{}", static_cast<unsigned>(ymd.day()),
                     kMonths[static_cast<unsigned>(ymd.month()) - 1],
                     static_cast<int>(ymd.year()), h12, hms.minutes().count(),
                     hour < 12 ? "am" : "pm");
}

std::string FormatLondonTime(const pb::Timestamp& t) { return FormatLondonTime(TimeOf(t)); }

std::string FormatLondonDay(engine::LocalDay day) {
  const date::year_month_day ymd(day);
  return fmt::format("{} {} {}", static_cast<unsigned>(ymd.day()),
                     kMonths[static_cast<unsigned>(ymd.month()) - 1], static_cast<int>(ymd.year()));
}

std::string Relative(TimePoint t, TimePoint now) {
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(t - now).count();
  const long long a = std::llabs(seconds);
  std::string amount;
  if (a < 60) return "now";
  if (a < 3600) {
    amount = fmt::format("{} minute{}", a / 60, a / 60 == 1 ? "" : "s");
  } else if (a < 2 * 86400) {
    amount = fmt::format("{} hour{}", a / 3600, a / 3600 == 1 ? "" : "s");
  } else {
    amount = fmt::format("{} days", a / 86400);
  }
  return seconds > 0 ? "in " + amount : amount + " ago";
}

std::string EnumWords(const pb::EnumValueDescriptor* value) {
  if (value == nullptr) return "";
  // Strip the enum's own prefix: RAG_RED (enum Rag) → RED.
  std::string prefix;
  for (char c : value->type()->name()) {
    if (std::isupper(static_cast<unsigned char>(c)) && !prefix.empty()) prefix += '_';
    prefix += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  prefix += '_';
  std::string name = value->name();
  if (name.rfind(prefix, 0) == 0) name = name.substr(prefix.size());
  for (char& c : name) {
    c = c == '_' ? ' ' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return name;
}

Data MessageData(const pb::Message& message) {
  Data out;
  const pb::Descriptor* d = message.GetDescriptor();
  for (int i = 0; i < d->field_count(); ++i) SetField(out, message, d->field(i));
  return out;
}

List NavigationFor(engine::CommandHandler& handler, const std::string& person,
                   engine::LocalDay day, const std::string& path) {
  struct Item {
    const char* href;
    const char* text;
    std::optional<engine::Action> action;  // nullopt: everyone signed in
  };
  const Item items[] = {
      {"/my-work", "My work", std::nullopt},
      {"/scorecards", "Scorecards", engine::Action::kReadOrgStructure},
      {"/cycles", "Timetables", engine::Action::kReadCycle},
      {"/trail", "Assurance trail", engine::Action::kReadAssuranceTrail},
      {"/people", "People", engine::Action::kManagePeople},
      {"/public", "Published", std::nullopt},
  };
  List nav;
  (void)handler.ReadModel([&](const engine::CouncilModel& model) {
    for (const Item& item : items) {
      if (item.action &&
          !engine::Authorize(model, person, {*item.action}, model.council_id(), day)) {
        continue;
      }
      Data d;
      d.set("href", item.href);
      d.set("text", item.text);
      if (path == item.href || path.rfind(std::string(item.href) + "/", 0) == 0) {
        d.set("current", true);
      }
      nav.push_back(d);
    }
  });
  return nav;
}

engine::AsOf AsOfFromQuery(const std::map<std::string, std::string>& query, std::string* problem) {
  auto date = query.find("as_of_date");
  auto position = query.find("at_position");
  if (date != query.end() && !date->second.empty()) {
    auto day = engine::ParseLocalDay(date->second, "as_of_date");
    if (!day) {
      *problem = "Enter the date as year-month-day, for example 2011-10-24";
      return engine::AsOf::Head();
    }
    return engine::AsOf::Time(engine::EndOfLondonDay(*day));
  }
  if (position != query.end() && !position->second.empty()) {
    const std::string& v = position->second;
    if (v.size() > 19 || v.find_first_not_of("0123456789") != std::string::npos ||
        std::stoull(v) == 0) {
      *problem = "Enter the log position as a whole number, 1 or more";
      return engine::AsOf::Head();
    }
    return engine::AsOf::Position(std::stoull(v));
  }
  return engine::AsOf::Head();
}

std::string FormatValue(double value, int places, const std::string& unit) {
  std::string text = fmt::format("{:.{}f}", value, std::clamp(places, 0, 6));
  if (unit == "%" || unit == "percent") return text + "%";
  if (unit.empty() || unit == "number" || unit == "count") return text;
  return text + " " + unit;
}

}  // namespace goldthread::web
