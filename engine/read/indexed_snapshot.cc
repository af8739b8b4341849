#include "engine/read/indexed_snapshot.h"

#include <fmt/format.h>

#include <algorithm>

#include "engine/model/event_codec.h"

namespace goldthread::engine {

namespace v1 = goldthread::v1;

IndexedSnapshot::IndexedSnapshot(const store::EventStore* store, const ReadIndex* index,
                                 v1::LogPoint point, std::shared_lock<SharedMutex> lock)
    : store_(store), index_(index), point_(std::move(point)), lock_(std::move(lock)) {}

const std::string& IndexedSnapshot::tenant() const { return index_->streams().tenant(); }

Result<CouncilModel> IndexedSnapshot::Council(const std::set<std::string>& target_periods) const {
  return index_->council().ModelAt(position(), target_periods);
}

Result<std::vector<RecordedEvent>> IndexedSnapshot::ReadFirst(const std::string& stream,
                                                              size_t count) const {
  std::vector<RecordedEvent> out;
  out.reserve(count);
  uint64_t from = 1;
  while (out.size() < count) {
    auto page = store_->ReadStream(stream, from, store::Direction::kForward, count - out.size());
    if (!page) return Unexpected(page.error());
    for (store::Envelope& e : page->events) {
      if (out.size() == count) break;
      auto event = DecodeEvent(e);
      if (!event) return Unexpected(event.error());
      out.push_back({std::move(e), std::move(*event)});
    }
    if (page->next == 0 || page->events.empty()) break;
    from = page->next;
  }
  if (out.size() != count) {
    return MakeError(ErrorCode::kDataLoss,
                     fmt::format("stream {} holds {} events where the read index expects {}; "
                                 "rebuild the projections",
                                 stream, out.size(), count));
  }
  return out;
}

Result<std::vector<RecordedEvent>> IndexedSnapshot::FigureEvents(std::string_view indicator_id,
                                                                 std::string_view period) const {
  const FigureIndexEntry* entry = index_->streams().Figure(indicator_id, period);
  if (entry == nullptr) return std::vector<RecordedEvent>();
  const size_t count = entry->CountAtOrBefore(position());
  if (count == 0) return std::vector<RecordedEvent>();
  return ReadFirst(FigureStream(tenant(), indicator_id, period), count);
}

Result<std::optional<double>> IndexedSnapshot::FigureValue(std::string_view indicator_id,
                                                           std::string_view period) const {
  const FigureIndexEntry* entry = index_->streams().Figure(indicator_id, period);
  if (entry == nullptr) return std::optional<double>();
  return entry->ValueAt(position());
}

std::vector<FigureKey> IndexedSnapshot::FiguresOfPeriod(std::string_view period) const {
  std::vector<FigureKey> out;
  for (const std::string& indicator : index_->streams().IndicatorsWithFigures(period)) {
    const FigureIndexEntry* entry = index_->streams().Figure(indicator, period);
    if (entry != nullptr && entry->CountAtOrBefore(position()) > 0) {
      out.push_back({indicator, std::string(period)});
    }
  }
  return out;
}

std::vector<FigureKey> IndexedSnapshot::UnlockedFigures() const {
  std::vector<FigureKey> out;
  const uint64_t p = position();
  index_->streams().ForEachFigure(
      [&](std::string_view indicator, std::string_view period, const FigureIndexEntry& entry) {
        if (entry.positions.empty() || entry.positions.front() > p) return;
        if (entry.locked_position != 0 && entry.locked_position <= p) return;
        out.push_back({std::string(indicator), std::string(period)});
      });
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::string> IndexedSnapshot::FindingsAbout(const v1::FindingSubject& subject) const {
  std::vector<std::string> out;
  for (const std::string& id : index_->streams().FindingsAbout(subject)) {
    const FindingIndexEntry* entry = index_->streams().Finding(id);
    if (entry != nullptr && entry->raised_position() <= position()) out.push_back(id);
  }
  return out;
}

std::vector<std::string> IndexedSnapshot::Findings() const {
  std::vector<std::string> out;
  for (const auto& [id, entry] : index_->streams().findings()) {
    if (!entry.positions.empty() && entry.raised_position() <= position()) out.push_back(id);
  }
  std::sort(out.begin(), out.end());
  return out;
}

Result<std::vector<RecordedEvent>> IndexedSnapshot::FindingEvents(
    std::string_view finding_id) const {
  const FindingIndexEntry* entry = index_->streams().Finding(finding_id);
  if (entry == nullptr) return std::vector<RecordedEvent>();
  return ReadFirst(FindingStream(tenant(), finding_id), entry->CountAtOrBefore(position()));
}

Result<std::optional<RecordedEvent>> IndexedSnapshot::PriorityProgress(
    std::string_view priority_id, std::string_view period) const {
  return index_->council().LatestAt(fmt::format("progress/{}/{}", priority_id, period), position());
}

Result<std::optional<RecordedEvent>> IndexedSnapshot::SelfAssessment(
    std::string_view unit_id, std::string_view period) const {
  return index_->council().LatestAt(fmt::format("assessment/{}/{}", unit_id, period), position());
}

Result<std::map<std::string, std::vector<RecordedEvent>>> IndexedSnapshot::Risks() const {
  auto by_key = index_->council().EventsAt("risk/", position());
  if (!by_key) return Unexpected(by_key.error());
  std::map<std::string, std::vector<RecordedEvent>> out;
  for (auto& [key, events] : *by_key) out.emplace(key.substr(5), std::move(events));
  return out;
}

Result<std::map<std::string, std::vector<RecordedEvent>>> IndexedSnapshot::Cycles() const {
  std::map<std::string, std::vector<RecordedEvent>> out;
  for (const auto& [key, entry] : index_->streams().cycles()) {
    const size_t count = static_cast<size_t>(
        std::upper_bound(entry.positions.begin(), entry.positions.end(), position()) -
        entry.positions.begin());
    if (count == 0) continue;
    auto events = ReadFirst(CycleStream(tenant(), entry.workflow_id, entry.period), count);
    if (!events) return Unexpected(events.error());
    out.emplace(key, std::move(*events));
  }
  return out;
}

}  // namespace goldthread::engine
