// Projection state in the `projections` column family: the engine's projections persist what
// they fold here, each change in the same batch as the checkpoint it covers. Key layout in
// store/README.md.
#include <fmt/format.h>

#include "store/internal/keys.h"
#include "store/internal/rocks_event_store.h"

namespace goldthread::store::internal {

namespace {

constexpr size_t kMaxProjectionName = 100;
constexpr size_t kMaxProjectionKey = 1024;

Status CheckProjectionName(std::string_view name, const std::string& field) {
  if (name.empty() || name.size() > kMaxProjectionName) {
    return InvalidField(field, fmt::format("a projection name is 1-{} bytes; '{}' is {}",
                                           kMaxProjectionName, name, name.size()));
  }
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '_' || c == ':' || c == '@' || c == '-';
    if (!ok) {
      return InvalidField(field,
                          fmt::format("projection name '{}' may hold only [A-Za-z0-9._:@-]", name));
    }
  }
  return OkStatus();
}

Status CheckProjectionKey(std::string_view key, const std::string& field) {
  if (key.empty() || key.size() > kMaxProjectionKey) {
    return InvalidField(field, fmt::format("a projection state key is 1-{} bytes; this one is {}",
                                           kMaxProjectionKey, key.size()));
  }
  return OkStatus();
}

Failure FromRocks(const rocksdb::Status& s, std::string_view what) {
  return MakeError(ErrorCode::kInternal, fmt::format("{}: {}", what, s.ToString()));
}

}  // namespace

Status RocksEventStore::WriteProjections(const std::vector<ProjectionWrite>& writes) {
  if (options_.read_only) {
    return MakeError(ErrorCode::kFailedPrecondition,
                     "the store is open read-only; projection state cannot be written");
  }
  const uint64_t head = head_position();
  rocksdb::WriteBatch batch;
  for (size_t i = 0; i < writes.size(); ++i) {
    const ProjectionWrite& w = writes[i];
    const std::string at = fmt::format("writes[{}]", i);
    if (auto s = CheckProjectionName(w.projection, at + ".projection"); !s) return s;
    for (size_t k = 0; k < w.puts.size(); ++k) {
      if (auto s = CheckProjectionKey(w.puts[k].first, fmt::format("{}.puts[{}]", at, k)); !s) {
        return s;
      }
      if (!batch
               .Put(projections_cf_, ProjectionStateKey(w.projection, w.puts[k].first),
                    w.puts[k].second)
               .ok()) {
        return MakeError(ErrorCode::kInternal, "building a projection batch");
      }
    }
    for (size_t k = 0; k < w.deletes.size(); ++k) {
      if (auto s = CheckProjectionKey(w.deletes[k], fmt::format("{}.deletes[{}]", at, k)); !s) {
        return s;
      }
      if (!batch.Delete(projections_cf_, ProjectionStateKey(w.projection, w.deletes[k])).ok()) {
        return MakeError(ErrorCode::kInternal, "building a projection batch");
      }
    }
    if (w.checkpoint) {
      if (*w.checkpoint > head) {
        return InvalidField(at + ".checkpoint",
                            fmt::format("checkpoint {} of {} is beyond the log's head ({})",
                                        *w.checkpoint, w.projection, head));
      }
      std::string value;
      PutBigEndian64(&value, *w.checkpoint);
      if (!batch.Put(projections_cf_, ProjectionCheckpointKey(w.projection), value).ok()) {
        return MakeError(ErrorCode::kInternal, "building a projection batch");
      }
    }
  }
  rocksdb::WriteOptions wo;
  wo.sync = false;  // derived state: see the contract in event_store.h
  rocksdb::Status s = db_->Write(wo, &batch);
  if (!s.ok()) return FromRocks(s, "writing projection state");
  return OkStatus();
}

Result<uint64_t> RocksEventStore::ProjectionCheckpoint(std::string_view projection) const {
  if (auto s = CheckProjectionName(projection, "projection"); !s) return Unexpected(s.error());
  std::string value;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), projections_cf_,
                               ProjectionCheckpointKey(projection), &value);
  if (s.IsNotFound()) return uint64_t{0};
  if (!s.ok()) return FromRocks(s, "reading a projection checkpoint");
  if (value.size() != 8) {
    return MakeError(ErrorCode::kDataLoss,
                     fmt::format("the checkpoint of projection {} is damaged", projection));
  }
  return GetBigEndian64(value);
}

Result<std::optional<std::string>> RocksEventStore::ReadProjection(std::string_view projection,
                                                                   std::string_view key) const {
  if (auto s = CheckProjectionName(projection, "projection"); !s) return Unexpected(s.error());
  if (auto s = CheckProjectionKey(key, "key"); !s) return Unexpected(s.error());
  std::string value;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), projections_cf_,
                               ProjectionStateKey(projection, key), &value);
  if (s.IsNotFound()) return std::optional<std::string>();
  if (!s.ok()) return FromRocks(s, "reading projection state");
  return std::optional<std::string>(std::move(value));
}

Status RocksEventStore::ScanProjection(
    std::string_view projection,
    const std::function<Status(std::string_view key, std::string_view value)>& visit) const {
  if (auto s = CheckProjectionName(projection, "projection"); !s) return s;
  const std::string prefix = ProjectionStatePrefix(projection);
  const std::string end = ProjectionEnd(projection);
  rocksdb::ReadOptions ro;
  ro.readahead_size = 2 << 20;
  rocksdb::Slice upper(end);
  ro.iterate_upper_bound = &upper;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro, projections_cf_));
  for (it->Seek(prefix); it->Valid(); it->Next()) {
    const rocksdb::Slice key = it->key();
    if (!key.starts_with(prefix)) break;
    if (auto s = visit(std::string_view(key.data() + prefix.size(), key.size() - prefix.size()),
                       std::string_view(it->value().data(), it->value().size()));
        !s) {
      return s;
    }
  }
  if (!it->status().ok()) return FromRocks(it->status(), "reading projection state");
  return OkStatus();
}

Status RocksEventStore::DropProjection(std::string_view projection) {
  if (auto s = CheckProjectionName(projection, "projection"); !s) return s;
  if (options_.read_only) {
    return MakeError(ErrorCode::kFailedPrecondition,
                     "the store is open read-only; projection state cannot be dropped");
  }
  std::string begin(projection);
  begin.push_back('\0');
  rocksdb::WriteOptions wo;
  rocksdb::Status s = db_->DeleteRange(wo, projections_cf_, begin, ProjectionEnd(projection));
  if (!s.ok()) return FromRocks(s, "dropping projection state");
  return OkStatus();
}

}  // namespace goldthread::store::internal
