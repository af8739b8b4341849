#include "engine/read/fresh_fold.h"

#include <fmt/format.h>
#include <google/protobuf/util/message_differencer.h>

#include <algorithm>

#include "engine/read/as_of.h"
#include "engine/model/event_codec.h"
#include "engine/model/figure_state.h"

namespace goldthread::engine {

namespace v1 = goldthread::v1;

namespace {

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

}  // namespace

Result<std::unique_ptr<FoldedSnapshot>> FoldedSnapshot::Fold(const store::EventStore& store,
                                                             const std::string& tenant,
                                                             uint64_t position) {
  auto point = PointAt(store, position);
  if (!point) return Unexpected(point.error());
  std::unique_ptr<FoldedSnapshot> s(new FoldedSnapshot(tenant));
  s->point_ = std::move(*point);
  const std::string prefix = tenant + "/";
  store::ReadPage page;
  uint64_t from = 1;
  while (from != 0 && from <= position) {
    if (auto r = store.ReadAllInto(from, store::Direction::kForward, 10'000, &page); !r) {
      return Unexpected(r.error());
    }
    for (const store::Envelope& e : page.events) {
      if (e.position() > position) break;
      if (!StartsWith(e.stream(), prefix)) continue;
      auto event = DecodeEvent(e);
      if (!event) return Unexpected(event.error());
      s->model_.Apply(e, *event);
      const std::string_view stream = std::string_view(e.stream()).substr(prefix.size());
      if (StartsWith(stream, "figure/") || StartsWith(stream, "finding/") ||
          StartsWith(stream, "cycle/") || StartsWith(stream, "risk/")) {
        s->streams_[std::string(stream)].push_back({e, *event});
      } else if (event->has_priority_progress_recorded()) {
        const std::string_view priority = stream.substr(std::string_view("priority/").size());
        s->progress_[fmt::format("{}/{}", priority, event->priority_progress_recorded().period())] =
            {e, *event};
      } else if (StartsWith(stream, "assessment/")) {
        s->assessments_[std::string(stream.substr(std::string_view("assessment/").size()))] = {
            e, *event};
      }
    }
    from = page.next;
  }
  return s;
}

Result<CouncilModel> FoldedSnapshot::Council(const std::set<std::string>&) const { return model_; }

Result<std::vector<RecordedEvent>> FoldedSnapshot::FigureEvents(std::string_view indicator_id,
                                                                std::string_view period) const {
  auto it = streams_.find(fmt::format("figure/{}/{}", indicator_id, period));
  if (it == streams_.end()) return std::vector<RecordedEvent>();
  return it->second;
}

Result<std::optional<double>> FoldedSnapshot::FigureValue(std::string_view indicator_id,
                                                          std::string_view period) const {
  auto events = FigureEvents(indicator_id, period);
  if (!events) return Unexpected(events.error());
  FigureState state;
  for (const RecordedEvent& r : *events) state.Apply(r.envelope, r.event);
  return state.NumericValue();
}

std::vector<FigureKey> FoldedSnapshot::FiguresOfPeriod(std::string_view period) const {
  std::vector<FigureKey> out;
  for (auto it = streams_.lower_bound("figure/"); it != streams_.end(); ++it) {
    std::string_view key = it->first;
    if (!StartsWith(key, "figure/")) break;
    key.remove_prefix(7);
    const size_t slash = key.find('/');
    if (key.substr(slash + 1) == period)
      out.push_back({std::string(key.substr(0, slash)), std::string(period)});
  }
  return out;
}

std::vector<FigureKey> FoldedSnapshot::UnlockedFigures() const {
  std::vector<FigureKey> out;
  for (auto it = streams_.lower_bound("figure/"); it != streams_.end(); ++it) {
    std::string_view key = it->first;
    if (!StartsWith(key, "figure/")) break;
    FigureState state;
    for (const RecordedEvent& r : it->second) state.Apply(r.envelope, r.event);
    if (state.locked) continue;
    key.remove_prefix(7);
    const size_t slash = key.find('/');
    out.push_back({std::string(key.substr(0, slash)), std::string(key.substr(slash + 1))});
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::string> FoldedSnapshot::FindingsAbout(const v1::FindingSubject& subject) const {
  std::vector<std::pair<uint64_t, std::string>> raised;
  for (auto it = streams_.lower_bound("finding/"); it != streams_.end(); ++it) {
    if (!StartsWith(it->first, "finding/")) break;
    const RecordedEvent& first = it->second.front();
    if (first.event.has_challenge_finding_raised() &&
        google::protobuf::util::MessageDifferencer::Equals(
            first.event.challenge_finding_raised().subject(), subject)) {
      raised.emplace_back(first.envelope.position(), it->first.substr(8));
    }
  }
  std::sort(raised.begin(), raised.end());
  std::vector<std::string> out;
  for (auto& [position, id] : raised) out.push_back(std::move(id));
  return out;
}

std::vector<std::string> FoldedSnapshot::Findings() const {
  std::vector<std::string> out;
  for (auto it = streams_.lower_bound("finding/"); it != streams_.end(); ++it) {
    if (!StartsWith(it->first, "finding/")) break;
    out.push_back(it->first.substr(8));
  }
  return out;
}

Result<std::vector<RecordedEvent>> FoldedSnapshot::FindingEvents(
    std::string_view finding_id) const {
  auto it = streams_.find(fmt::format("finding/{}", finding_id));
  if (it == streams_.end()) return std::vector<RecordedEvent>();
  return it->second;
}

Result<std::optional<RecordedEvent>> FoldedSnapshot::PriorityProgress(
    std::string_view priority_id, std::string_view period) const {
  auto it = progress_.find(fmt::format("{}/{}", priority_id, period));
  if (it == progress_.end()) return std::optional<RecordedEvent>();
  return std::optional<RecordedEvent>(it->second);
}

Result<std::optional<RecordedEvent>> FoldedSnapshot::SelfAssessment(std::string_view unit_id,
                                                                    std::string_view period) const {
  auto it = assessments_.find(fmt::format("{}/{}", unit_id, period));
  if (it == assessments_.end()) return std::optional<RecordedEvent>();
  return std::optional<RecordedEvent>(it->second);
}

Result<std::map<std::string, std::vector<RecordedEvent>>> FoldedSnapshot::Risks() const {
  std::map<std::string, std::vector<RecordedEvent>> out;
  for (auto it = streams_.lower_bound("risk/"); it != streams_.end(); ++it) {
    if (!StartsWith(it->first, "risk/")) break;
    out.emplace(it->first.substr(5), it->second);
  }
  return out;
}

Result<std::map<std::string, std::vector<RecordedEvent>>> FoldedSnapshot::Cycles() const {
  std::map<std::string, std::vector<RecordedEvent>> out;
  for (auto it = streams_.lower_bound("cycle/"); it != streams_.end(); ++it) {
    if (!StartsWith(it->first, "cycle/")) break;
    out.emplace(it->first.substr(6), it->second);
  }
  return out;
}

}  // namespace goldthread::engine
