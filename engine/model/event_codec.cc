#include "engine/model/event_codec.h"

#include <fmt/format.h>

#include "store/base/hex.h"
#include "store/base/sha256.h"

namespace goldthread::engine {

std::string OrgStream(std::string_view tenant) { return fmt::format("{}/org", tenant); }
std::string PersonStream(std::string_view tenant, std::string_view person_id) {
  return fmt::format("{}/person/{}", tenant, person_id);
}
std::string PriorityStream(std::string_view tenant, std::string_view priority_id) {
  return fmt::format("{}/priority/{}", tenant, priority_id);
}
std::string IndicatorStream(std::string_view tenant, std::string_view indicator_id) {
  return fmt::format("{}/indicator/{}", tenant, indicator_id);
}
std::string FigureStream(std::string_view tenant, std::string_view indicator_id,
                         std::string_view period) {
  return fmt::format("{}/figure/{}/{}", tenant, indicator_id, period);
}
std::string FindingStream(std::string_view tenant, std::string_view finding_id) {
  return fmt::format("{}/finding/{}", tenant, finding_id);
}
std::string PlanStream(std::string_view tenant, std::string_view plan_id) {
  return fmt::format("{}/plan/{}", tenant, plan_id);
}
std::string RiskStream(std::string_view tenant, std::string_view risk_id) {
  return fmt::format("{}/risk/{}", tenant, risk_id);
}
std::string AssessmentStream(std::string_view tenant, std::string_view unit_id,
                             std::string_view period) {
  return fmt::format("{}/assessment/{}/{}", tenant, unit_id, period);
}
std::string TokenStream(std::string_view tenant, std::string_view token_id) {
  return fmt::format("{}/token/{}", tenant, token_id);
}
std::string AccountStream(std::string_view tenant, std::string_view person_id) {
  return fmt::format("{}/account/{}", tenant, person_id);
}
std::string ClockStream(std::string_view tenant) { return fmt::format("{}/clock", tenant); }
std::string CycleStream(std::string_view tenant, std::string_view workflow_id,
                        std::string_view period) {
  return fmt::format("{}/cycle/{}/{}", tenant, workflow_id, period);
}

std::string EventTypeName(const goldthread::v1::Event& event) {
  const auto* oneof = goldthread::v1::Event::descriptor()->FindOneofByName("body");
  const auto* field = event.GetReflection()->GetOneofFieldDescriptor(event, oneof);
  if (field == nullptr) return "";
  return field->message_type()->full_name();
}

store::NewEvent EncodeEvent(const goldthread::v1::Event& event) {
  return store::NewEvent{.type = EventTypeName(event), .payload = event.SerializeAsString()};
}

Result<goldthread::v1::Event> DecodeEvent(const store::Envelope& envelope) {
  goldthread::v1::Event event;
  if (envelope.payload_redacted()) return event;
  if (!event.ParseFromString(envelope.payload())) {
    return MakeError(ErrorCode::kDataLoss,
                     fmt::format("position {}: payload is not a goldthread.v1.Event",
                                 envelope.position()));
  }
  return event;
}

namespace {
bool IsIdChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == '-';
}
}  // namespace

Status CheckId(std::string_view id, std::string_view field) {
  if (id.empty()) return InvalidField(std::string(field), fmt::format("{} is required", field));
  if (id.size() > 64) {
    return InvalidField(std::string(field),
                        fmt::format("{} is {} characters; at most 64", field, id.size()));
  }
  for (char c : id) {
    if (!IsIdChar(c)) {
      return InvalidField(std::string(field),
                          fmt::format("{} '{}' may hold only letters, digits, '.', '_' and '-'",
                                      field, id));
    }
  }
  if (id[0] == '.' || id[0] == '_' || id[0] == '-') {
    return InvalidField(std::string(field),
                        fmt::format("{} '{}' must start with a letter or digit", field, id));
  }
  return OkStatus();
}

Status CheckTenant(std::string_view tenant) {
  if (tenant.empty() || tenant.size() > 32) {
    return InvalidField("tenant", "tenant id must be 1-32 characters");
  }
  for (char c : tenant) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) {
      return InvalidField("tenant", "tenant id may hold only a-z, 0-9 and '-'");
    }
  }
  return OkStatus();
}

std::string DerivedId(std::string_view prefix, std::string_view command_id) {
  std::string out(prefix);
  AppendHex(&out, std::string_view(Sha256(command_id)).substr(0, 5));
  return out;
}

}  // namespace goldthread::engine
