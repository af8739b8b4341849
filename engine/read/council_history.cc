#include "engine/read/council_history.h"

#include <fmt/format.h>

#include <algorithm>

#include "engine/model/event_codec.h"
#include "goldthread/v1/projection_state.pb.h"

namespace goldthread::engine {

namespace v1 = goldthread::v1;

namespace {

constexpr std::string_view kTargetSet = "goldthread.v1.TargetSet";
constexpr std::string_view kProgress = "goldthread.v1.PriorityProgressRecorded";

// What a fold reads of an envelope; the rest (hashes, ids) stays in the log.
store::Envelope Trimmed(const store::Envelope& e) {
  store::Envelope out;
  out.set_position(e.position());
  out.set_stream(e.stream());
  out.set_stream_version(e.stream_version());
  out.set_type(e.type());
  *out.mutable_recorded_at() = e.recorded_at();
  out.set_actor(e.actor());
  out.set_payload(e.payload());
  out.set_payload_redacted(e.payload_redacted());
  return out;
}

// Appends the envelopes of `list` at or before `position`.
void TakeUpTo(const std::vector<store::Envelope>& list, uint64_t position,
              std::vector<const store::Envelope*>* out) {
  for (const store::Envelope& e : list) {
    if (e.position() > position) break;
    out->push_back(&e);
  }
}

Result<RecordedEvent> Decoded(const store::Envelope& e) {
  auto event = DecodeEvent(e);
  if (!event) return Unexpected(event.error());
  return RecordedEvent{e, std::move(*event)};
}

}  // namespace

Result<std::string> CouncilHistory::KeyFor(const EventView& event) const {
  std::string_view stream = event.stream();
  if (stream.size() <= tenant_.size() + 1 || stream.substr(0, tenant_.size()) != tenant_ ||
      stream[tenant_.size()] != '/') {
    return std::string();
  }
  stream.remove_prefix(tenant_.size() + 1);
  if (stream == "org") return std::string("org");
  const size_t slash = stream.find('/');
  if (slash == std::string_view::npos) return std::string();
  const std::string_view kind = stream.substr(0, slash);
  const std::string_view rest = stream.substr(slash + 1);
  if (kind == "person" || kind == "risk" || kind == "assessment") return std::string(stream);
  if (kind == "indicator") {
    if (event.type() != kTargetSet) return std::string(stream);
    auto e = event.event();
    if (!e) return Unexpected(e.error());
    return fmt::format("target/{}/{}", rest, (*e)->target_set().period());
  }
  if (kind == "priority") {
    if (event.type() != kProgress) return std::string(stream);
    auto e = event.event();
    if (!e) return Unexpected(e.error());
    return fmt::format("progress/{}/{}", rest, (*e)->priority_progress_recorded().period());
  }
  return std::string();
}

Status CouncilHistory::Apply(const EventView& event) {
  auto key = KeyFor(event);
  if (!key) return Unexpected(key.error());
  if (key->empty()) return OkStatus();
  const uint64_t position = event.position();
  if (key->starts_with("target/")) {
    target_positions_[key->substr(key->rfind('/') + 1)].push_back(position);
  } else if (*key == "org" || key->starts_with("person/") || key->starts_with("priority/") ||
             key->starts_with("indicator/")) {
    reference_positions_.push_back(position);
  }
  events_[*key].push_back(Trimmed(event.envelope()));
  dirty_.insert(std::move(*key));
  return OkStatus();
}

Status CouncilHistory::FinishRestore() {
  reference_positions_.clear();
  target_positions_.clear();
  for (const auto& [key, events] : events_) {
    std::vector<uint64_t>* into = nullptr;
    if (key.starts_with("target/")) {
      into = &target_positions_[key.substr(key.rfind('/') + 1)];
    } else if (key == "org" || key.starts_with("person/") || key.starts_with("priority/") ||
               key.starts_with("indicator/")) {
      into = &reference_positions_;
    }
    if (into == nullptr) continue;
    for (const store::Envelope& e : events) into->push_back(e.position());
  }
  std::sort(reference_positions_.begin(), reference_positions_.end());
  for (auto& [period, positions] : target_positions_) {
    std::sort(positions.begin(), positions.end());
  }
  return OkStatus();
}

uint64_t CouncilHistory::LastModelEvent(uint64_t position,
                                        const std::set<std::string>& target_periods) const {
  auto last_at_or_before = [position](const std::vector<uint64_t>& positions) -> uint64_t {
    auto it = std::upper_bound(positions.begin(), positions.end(), position);
    return it == positions.begin() ? 0 : *std::prev(it);
  };
  uint64_t last = last_at_or_before(reference_positions_);
  for (const std::string& period : target_periods) {
    if (auto it = target_positions_.find(period); it != target_positions_.end()) {
      last = std::max(last, last_at_or_before(it->second));
    }
  }
  return last;
}

void CouncilHistory::TakeChanges(ProjectionChanges* out) {
  v1::RecordedEnvelopes list;
  for (const std::string& key : dirty_) {
    list.Clear();
    for (const store::Envelope& e : events_.at(key)) *list.add_events() = e;
    out->puts.emplace_back(key, list.SerializeAsString());
  }
  dirty_.clear();
}

Status CouncilHistory::Restore(std::string_view key, std::string_view value) {
  v1::RecordedEnvelopes list;
  if (!list.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
    return MakeError(
        ErrorCode::kDataLoss,
        fmt::format("projection {} key '{}' does not parse; rebuild the projections", kName, key));
  }
  std::vector<store::Envelope>& events = events_[std::string(key)];
  events.assign(list.events().begin(), list.events().end());
  return OkStatus();
}

Result<CouncilModel> CouncilHistory::ModelAt(uint64_t requested,
                                             const std::set<std::string>& target_periods) const {
  // Every position from the last event the fold takes in up to `requested` has the same model.
  const uint64_t position = LastModelEvent(requested, target_periods);
  {
    MutexLock lock(memo_mu_);
    for (auto it = memo_.begin(); it != memo_.end(); ++it) {
      if (it->last_event == position && it->target_periods == target_periods) {
        std::rotate(it, it + 1, memo_.end());
        return *memo_.back().model;
      }
    }
  }
  std::vector<const store::Envelope*> picked;
  auto take_prefix = [&](std::string_view prefix) {
    for (auto it = events_.lower_bound(prefix);
         it != events_.end() && std::string_view(it->first).substr(0, prefix.size()) == prefix;
         ++it) {
      TakeUpTo(it->second, position, &picked);
    }
  };
  if (auto org = events_.find("org"); org != events_.end())
    TakeUpTo(org->second, position, &picked);
  take_prefix("person/");
  take_prefix("priority/");
  constexpr std::string_view kIndicator = "indicator/";
  for (auto it = events_.lower_bound(kIndicator);
       it != events_.end() &&
       std::string_view(it->first).substr(0, kIndicator.size()) == kIndicator;
       ++it) {
    TakeUpTo(it->second, position, &picked);
    const std::string_view id = std::string_view(it->first).substr(kIndicator.size());
    for (const std::string& period : target_periods) {
      auto target = events_.find(fmt::format("target/{}/{}", id, period));
      if (target != events_.end()) TakeUpTo(target->second, position, &picked);
    }
  }
  std::sort(picked.begin(), picked.end(), [](const store::Envelope* a, const store::Envelope* b) {
    return a->position() < b->position();
  });
  CouncilModel model(tenant_);
  for (const store::Envelope* e : picked) {
    auto event = DecodeEvent(*e);
    if (!event) return Unexpected(event.error());
    model.Apply(*e, *event);
  }
  MutexLock lock(memo_mu_);
  if (memo_.size() == kMemoSize) memo_.erase(memo_.begin());
  memo_.push_back({.last_event = position,
                   .target_periods = target_periods,
                   .model = std::make_shared<const CouncilModel>(model)});
  return model;
}

Result<std::optional<RecordedEvent>> CouncilHistory::LatestAt(std::string_view key,
                                                              uint64_t position) const {
  auto it = events_.find(key);
  if (it == events_.end()) return std::optional<RecordedEvent>();
  const store::Envelope* latest = nullptr;
  for (const store::Envelope& e : it->second) {
    if (e.position() > position) break;
    latest = &e;
  }
  if (latest == nullptr) return std::optional<RecordedEvent>();
  auto decoded = Decoded(*latest);
  if (!decoded) return Unexpected(decoded.error());
  return std::optional<RecordedEvent>(std::move(*decoded));
}

Result<std::map<std::string, std::vector<RecordedEvent>>> CouncilHistory::EventsAt(
    std::string_view prefix, uint64_t position) const {
  std::map<std::string, std::vector<RecordedEvent>> out;
  for (auto it = events_.lower_bound(prefix);
       it != events_.end() && std::string_view(it->first).substr(0, prefix.size()) == prefix;
       ++it) {
    std::vector<RecordedEvent> events;
    for (const store::Envelope& e : it->second) {
      if (e.position() > position) break;
      auto decoded = Decoded(e);
      if (!decoded) return Unexpected(decoded.error());
      events.push_back(std::move(*decoded));
    }
    if (!events.empty()) out.emplace(it->first, std::move(events));
  }
  return out;
}

}  // namespace goldthread::engine
