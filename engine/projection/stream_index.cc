#include "engine/projection/stream_index.h"

#include <fmt/format.h>

#include <algorithm>

#include "engine/projection/internal/position_list.h"
#include "goldthread/v1/projection_state.pb.h"

namespace goldthread::engine {

namespace v1 = goldthread::v1;

namespace {

constexpr std::string_view kFigureType = "goldthread.v1.Figure";
constexpr std::string_view kSubmitted = "goldthread.v1.FigureSubmitted";
constexpr std::string_view kAmended = "goldthread.v1.FigureAmended";
constexpr std::string_view kRestated = "goldthread.v1.FigureRestated";
constexpr std::string_view kLocked = "goldthread.v1.FigureLocked";
constexpr std::string_view kFindingRaised = "goldthread.v1.ChallengeFindingRaised";

// The kind segment and the rest of "<tenant>/<kind>/<rest>", or false when the stream is
// another tenant's or has no rest.
bool SplitStream(std::string_view stream, std::string_view tenant, std::string_view* kind,
                 std::string_view* rest) {
  if (stream.size() <= tenant.size() + 1 || stream.substr(0, tenant.size()) != tenant ||
      stream[tenant.size()] != '/') {
    return false;
  }
  stream.remove_prefix(tenant.size() + 1);
  const size_t slash = stream.find('/');
  if (slash == std::string_view::npos) return false;
  *kind = stream.substr(0, slash);
  *rest = stream.substr(slash + 1);
  return !rest->empty();
}

size_t CountUpTo(const std::vector<uint64_t>& positions, uint64_t position) {
  return static_cast<size_t>(std::upper_bound(positions.begin(), positions.end(), position) -
                             positions.begin());
}

Status BadEntry(std::string_view key) {
  return MakeError(ErrorCode::kDataLoss,
                   fmt::format("projection {} key '{}' does not parse; rebuild the projections",
                               StreamIndex::kName, key));
}

const std::vector<std::string> kNoFindings;
const std::set<std::string> kNoIndicators;

}  // namespace

size_t FigureIndexEntry::CountAtOrBefore(uint64_t position) const {
  return CountUpTo(positions, position);
}

std::optional<double> FigureIndexEntry::ValueAt(uint64_t position) const {
  auto it = std::upper_bound(
      values.begin(), values.end(), position,
      [](uint64_t p, const FigureValueChange& change) { return p < change.position; });
  if (it == values.begin()) return std::nullopt;
  return std::prev(it)->value;
}

size_t FindingIndexEntry::CountAtOrBefore(uint64_t position) const {
  return CountUpTo(positions, position);
}

std::string StreamIndex::SubjectKey(const v1::FindingSubject& subject) {
  switch (subject.kind_case()) {
    case v1::FindingSubject::kFigure:
      return fmt::format("f:{}/{}", subject.figure().indicator_id(), subject.figure().period());
    case v1::FindingSubject::kIndicatorId:
      return fmt::format("i:{}", subject.indicator_id());
    case v1::FindingSubject::kPriorityId:
      return fmt::format("p:{}", subject.priority_id());
    case v1::FindingSubject::KIND_NOT_SET:
      break;
  }
  return "";
}

Status StreamIndex::Apply(const EventView& event) {
  std::string_view kind, rest;
  if (!SplitStream(event.stream(), tenant_, &kind, &rest)) return OkStatus();
  const uint64_t position = event.position();
  if (kind == "figure") {
    auto it = figures_.find(rest);
    if (it == figures_.end()) {
      const size_t slash = rest.find('/');
      if (slash == std::string_view::npos) return OkStatus();
      it = figures_.emplace(std::string(rest), FigureIndexEntry{}).first;
      // A monthly figure's life is about ten events: one allocation instead of five.
      it->second.positions.reserve(16);
      const std::string_view period = rest.substr(slash + 1);
      auto by_period = indicators_by_period_.find(period);
      if (by_period == indicators_by_period_.end()) {
        by_period =
            indicators_by_period_.emplace(std::string(period), std::set<std::string>{}).first;
      }
      by_period->second.emplace(rest.substr(0, slash));
    }
    FigureIndexEntry& entry = it->second;
    entry.positions.push_back(position);
    const std::string_view type = event.type();
    if (type.substr(0, kFigureType.size()) == kFigureType) {
      if (type == kSubmitted || type == kAmended || type == kRestated) {
        auto decoded = event.event();
        if (!decoded) return Unexpected(decoded.error());
        const v1::Event& e = **decoded;
        const v1::FigureValue* value = nullptr;
        if (e.has_figure_submitted()) value = &e.figure_submitted().value();
        if (e.has_figure_amended()) value = &e.figure_amended().value();
        if (e.has_figure_restated()) value = &e.figure_restated().value();
        if (value != nullptr) {
          FigureValueChange change{.position = position};
          if (value->kind_case() == v1::FigureValue::kValue) change.value = value->value();
          entry.values.push_back(change);
        }
      } else if (type == kLocked && entry.locked_position == 0) {
        entry.locked_position = position;
      }
    }
    if (!entry.dirty) {
      entry.dirty = true;
      dirty_figures_.push_back(&*it);
    }
  } else if (kind == "finding") {
    key_buffer_.assign(rest);
    auto it = findings_.find(key_buffer_);
    if (it == findings_.end()) it = findings_.emplace(key_buffer_, FindingIndexEntry{}).first;
    FindingIndexEntry& entry = it->second;
    entry.positions.push_back(position);
    if (event.type() == kFindingRaised && entry.positions.size() == 1) {
      auto decoded = event.event();
      if (!decoded) return Unexpected(decoded.error());
      const auto& raised = (*decoded)->challenge_finding_raised();
      entry.subject = raised.subject();
      entry.owner_person_id = raised.owner_person_id();
      entry.unit_id = raised.unit_id();
      IndexFinding(it->first, entry);
    }
    if (!entry.dirty) {
      entry.dirty = true;
      dirty_findings_.push_back(it->first);
    }
  } else if (kind == "cycle") {
    key_buffer_.assign(rest);
    auto it = cycles_.find(key_buffer_);
    if (it == cycles_.end()) {
      const size_t slash = rest.find('/');
      if (slash == std::string_view::npos) return OkStatus();
      it = cycles_
               .emplace(key_buffer_,
                        CycleIndexEntry{.workflow_id = std::string(rest.substr(0, slash)),
                                        .period = std::string(rest.substr(slash + 1))})
               .first;
    }
    it->second.positions.push_back(position);
    if (!it->second.dirty) {
      it->second.dirty = true;
      dirty_cycles_.push_back(it->first);
    }
  }
  return OkStatus();
}

void StreamIndex::IndexFinding(const std::string& id, const FindingIndexEntry& entry) {
  const std::string key = SubjectKey(entry.subject);
  if (!key.empty()) findings_by_subject_[key].push_back(id);
}

void StreamIndex::TakeChanges(ProjectionChanges* out) {
  v1::FigureIndexEntry figure;
  for (auto* node : dirty_figures_) {
    const std::string& key = node->first;
    FigureIndexEntry& entry = node->second;
    entry.dirty = false;
    figure.Clear();
    internal::EncodePositions(entry.positions, figure.mutable_positions());
    for (const FigureValueChange& change : entry.values) {
      auto* v = figure.add_values();
      v->set_position(change.position);
      v->set_has_value(change.value.has_value());
      if (change.value) v->set_value(*change.value);
    }
    figure.set_locked_position(entry.locked_position);
    out->puts.emplace_back("f/" + key, figure.SerializeAsString());
  }
  dirty_figures_.clear();
  v1::FindingIndexEntry finding;
  for (const std::string& key : dirty_findings_) {
    FindingIndexEntry& entry = findings_.at(key);
    entry.dirty = false;
    finding.Clear();
    internal::EncodePositions(entry.positions, finding.mutable_positions());
    *finding.mutable_subject() = entry.subject;
    finding.set_owner_person_id(entry.owner_person_id);
    finding.set_unit_id(entry.unit_id);
    out->puts.emplace_back("n/" + key, finding.SerializeAsString());
  }
  dirty_findings_.clear();
  v1::PositionList cycle;
  for (const std::string& key : dirty_cycles_) {
    CycleIndexEntry& entry = cycles_.at(key);
    entry.dirty = false;
    internal::EncodePositions(entry.positions, &cycle);
    out->puts.emplace_back("c/" + key, cycle.SerializeAsString());
  }
  dirty_cycles_.clear();
}

Status StreamIndex::Restore(std::string_view key, std::string_view value) {
  if (key.size() < 3 || key[1] != '/') return BadEntry(key);
  const std::string rest(key.substr(2));
  switch (key[0]) {
    case 'f': {
      v1::FigureIndexEntry stored;
      if (rest.find('/') == std::string::npos ||
          !stored.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
        return BadEntry(key);
      }
      FigureIndexEntry entry;
      if (auto s = internal::DecodePositions(stored.positions(), &entry.positions); !s) return s;
      for (const auto& v : stored.values()) {
        FigureValueChange change{.position = v.position()};
        if (v.has_value()) change.value = v.value();
        entry.values.push_back(change);
      }
      entry.locked_position = stored.locked_position();
      figures_[rest] = std::move(entry);
      return OkStatus();
    }
    case 'n': {
      v1::FindingIndexEntry stored;
      if (!stored.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
        return BadEntry(key);
      }
      FindingIndexEntry entry;
      if (auto s = internal::DecodePositions(stored.positions(), &entry.positions); !s) return s;
      entry.subject = stored.subject();
      entry.owner_person_id = stored.owner_person_id();
      entry.unit_id = stored.unit_id();
      findings_[rest] = std::move(entry);
      return OkStatus();
    }
    case 'c': {
      v1::PositionList stored;
      const size_t slash = rest.find('/');
      if (slash == std::string::npos ||
          !stored.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
        return BadEntry(key);
      }
      CycleIndexEntry entry{.workflow_id = rest.substr(0, slash), .period = rest.substr(slash + 1)};
      if (auto s = internal::DecodePositions(stored, &entry.positions); !s) return s;
      cycles_[rest] = std::move(entry);
      return OkStatus();
    }
    default:
      return BadEntry(key);
  }
}

Status StreamIndex::FinishRestore() {
  findings_by_subject_.clear();
  indicators_by_period_.clear();
  for (const auto& [key, entry] : figures_) {
    const size_t slash = key.find('/');
    indicators_by_period_[key.substr(slash + 1)].insert(key.substr(0, slash));
  }
  // Findings in the order they were raised, as Apply would have listed them.
  std::vector<std::pair<uint64_t, const std::string*>> raised;
  for (const auto& [id, entry] : findings_) {
    if (entry.subject.kind_case() != v1::FindingSubject::KIND_NOT_SET) {
      raised.emplace_back(entry.raised_position(), &id);
    }
  }
  std::sort(raised.begin(), raised.end());
  for (const auto& [position, id] : raised) IndexFinding(*id, findings_.at(*id));
  return OkStatus();
}

const FigureIndexEntry* StreamIndex::Figure(std::string_view indicator_id,
                                            std::string_view period) const {
  char buffer[256];
  const auto written = fmt::format_to_n(buffer, sizeof buffer, "{}/{}", indicator_id, period);
  if (written.size > sizeof buffer) return nullptr;  // longer than any id can be
  auto it = figures_.find(std::string_view(buffer, written.size));
  return it == figures_.end() ? nullptr : &it->second;
}

const FindingIndexEntry* StreamIndex::Finding(std::string_view finding_id) const {
  auto it = findings_.find(std::string(finding_id));
  return it == findings_.end() ? nullptr : &it->second;
}

const std::vector<std::string>& StreamIndex::FindingsAbout(
    const v1::FindingSubject& subject) const {
  auto it = findings_by_subject_.find(SubjectKey(subject));
  return it == findings_by_subject_.end() ? kNoFindings : it->second;
}

const std::set<std::string>& StreamIndex::IndicatorsWithFigures(std::string_view period) const {
  auto it = indicators_by_period_.find(period);
  return it == indicators_by_period_.end() ? kNoIndicators : it->second;
}

std::vector<std::string> StreamIndex::PeriodsWithFigures() const {
  std::vector<std::string> out;
  for (const auto& [period, indicators] : indicators_by_period_) out.push_back(period);
  return out;
}

}  // namespace goldthread::engine
