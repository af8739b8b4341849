// Projection: a fold of the log that read models query, persisted beside its checkpoint.
//
// A projection sees every event of the log once, in position order (Apply), and keeps what the
// read models need to answer quickly — for example, per figure, the positions of its events.
// The ProjectionRunner (projection_runner.h) feeds it, and every so often takes what changed
// (TakeChanges) and writes it to the store's `projections` column family in the same batch as
// the position it covers, so that after a restart the projection is restored (Restore) and
// resumes from that position: no event is applied twice and none is skipped.
//
//   class Counter : public Projection {
//     std::string_view name() const override { return "counter.v1"; }
//     Status Apply(const EventView& e) override { ++n_; dirty_ = true; return OkStatus(); }
//     ...
//   };
//
// Events are decoded lazily (EventView): most projections decide from the envelope's stream and
// type alone, and decoding every payload would dominate a rebuild.
//
// Threading: a projection is not synchronised. The runner applies events under its exclusive
// lock and read models read under its shared lock.
#ifndef GOLDTHREAD_ENGINE_PROJECTION_PROJECTION_H_
#define GOLDTHREAD_ENGINE_PROJECTION_PROJECTION_H_

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "goldthread/v1/events.pb.h"
#include "store/event_store.h"

namespace goldthread::engine {

// One event of the log, its payload decoded on first use.
class EventView {
 public:
  explicit EventView(const store::Envelope& envelope) : envelope_(envelope) {}
  EventView(const EventView&) = delete;
  EventView& operator=(const EventView&) = delete;

  const store::Envelope& envelope() const { return envelope_; }
  uint64_t position() const { return envelope_.position(); }
  const std::string& stream() const { return envelope_.stream(); }
  const std::string& type() const { return envelope_.type(); }
  // The decoded event. A redacted payload decodes to an Event with no body; a payload that does
  // not parse is DataLoss (the log is damaged: Verify names it).
  Result<const goldthread::v1::Event*> event() const;

 private:
  const store::Envelope& envelope_;
  mutable std::optional<goldthread::v1::Event> event_;
};

// What a projection changed since it was last asked: serialised state to put and keys to delete,
// in the projection's own key space.
struct ProjectionChanges {
  std::vector<std::pair<std::string, std::string>> puts;
  std::vector<std::string> deletes;

  bool empty() const { return puts.empty() && deletes.empty(); }
};

class Projection {
 public:
  virtual ~Projection() = default;

  // The name the state is persisted under: [a-z0-9.-], ending in a format version
  // ("stream-index.v1"). A projection whose persisted format changes takes a new name, so old
  // state is rebuilt rather than misread.
  virtual std::string_view name() const = 0;
  // Folds the next event. Positions arrive strictly increasing, each exactly once; an error
  // stops the runner (nothing after it is applied or checkpointed).
  virtual Status Apply(const EventView& event) = 0;
  // Moves the state changed since the last call into `out`; the runner writes it with the
  // checkpoint in one batch.
  virtual void TakeChanges(ProjectionChanges* out) = 0;
  // After a restart, before any Apply: one persisted key and its value, in key order.
  virtual Status Restore(std::string_view key, std::string_view value) = 0;
  // After the last Restore: rebuild whatever is derived from the persisted keys.
  virtual Status FinishRestore() { return OkStatus(); }
};

// The projections one runner keeps together (they share its lock and its pass over the log).
class ProjectionSet {
 public:
  virtual ~ProjectionSet() = default;
  // The set's name, under which the runner records which generation of its state is active:
  // [a-z0-9.-].
  virtual std::string_view name() const = 0;
  virtual std::vector<Projection*> projections() = 0;
};

}  // namespace goldthread::engine

#endif  // GOLDTHREAD_ENGINE_PROJECTION_PROJECTION_H_
