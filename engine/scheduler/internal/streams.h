// Stream names as the scheduler reads them (private to engine/scheduler/).
#ifndef GOLDTHREAD_ENGINE_SCHEDULER_INTERNAL_STREAMS_H_
#define GOLDTHREAD_ENGINE_SCHEDULER_INTERNAL_STREAMS_H_

#include <string_view>

namespace goldthread::engine::scheduler_internal {

// "demo/figure/NI-192/FY2011-Q2" → "NI-192/FY2011-Q2": the part of a stream after its kind.
inline std::string_view StreamTail(std::string_view stream) {
  const size_t first = stream.find('/');
  const size_t second = first == std::string_view::npos ? first : stream.find('/', first + 1);
  return second == std::string_view::npos ? stream : stream.substr(second + 1);
}

// True for "<tenant>/<kind>/...".
inline bool IsUnder(std::string_view stream, std::string_view tenant, std::string_view kind) {
  return stream.size() > tenant.size() + kind.size() + 2 &&
         stream.compare(0, tenant.size(), tenant) == 0 && stream[tenant.size()] == '/' &&
         stream.compare(tenant.size() + 1, kind.size(), kind) == 0 &&
         stream[tenant.size() + 1 + kind.size()] == '/';
}

// True for "<tenant>/...".
inline bool InTenant(std::string_view stream, std::string_view tenant) {
  return stream.size() > tenant.size() && stream[tenant.size()] == '/' &&
         stream.compare(0, tenant.size(), tenant) == 0;
}

}  // namespace goldthread::engine::scheduler_internal

#endif  // GOLDTHREAD_ENGINE_SCHEDULER_INTERNAL_STREAMS_H_
