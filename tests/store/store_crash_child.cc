// store_crash_child: the process that crash_test.cc kills. Test-only.
//
// Usage: store_crash_child <data-dir>
// Opens the store in kSync mode and appends forever from 4 threads (each to its own stream with
// an exact expected version, every fifth append to a shared stream with any version), with a
// fresh command id per append. After each append is acknowledged it writes one line to stdout:
//   <first position> <last position> <stream> <stream version after> <command id>
// with a single write(2) per line, so a line the parent reads whole was acknowledged before the
// kill. Exits with 3 if the store cannot be opened or an append fails, and by itself after
// 120 s in case the parent died without killing it.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "store/event_store.h"

namespace {

using goldthread::store::AppendRequest;
using goldthread::store::EventStore;
using goldthread::store::ExpectedVersion;
using goldthread::store::NewEvent;

void WriteLine(const std::string& line) {
  size_t done = 0;
  while (done < line.size()) {
    const ssize_t n = ::write(STDOUT_FILENO, line.data() + done, line.size() - done);
    if (n <= 0) std::_Exit(4);  // the parent is gone
    done += static_cast<size_t>(n);
  }
}

void Appender(EventStore& store, int thread) {
  const std::string own = "crash/w" + std::to_string(thread);
  auto version = store.StreamVersion(own);
  if (!version) std::_Exit(3);
  uint64_t own_version = *version;
  const std::string run = std::to_string(::getpid());
  for (uint64_t i = 0;; ++i) {
    const bool shared = i % 5 == 4;
    AppendRequest r;
    r.stream = shared ? "crash/shared" : own;
    r.expected = shared             ? ExpectedVersion::Any()
                 : own_version == 0 ? ExpectedVersion::NoStream()
                                    : ExpectedVersion::Exact(own_version);
    const size_t events = 1 + i % 3;
    for (size_t k = 0; k < events; ++k) {
      r.events.push_back(
          NewEvent{.type = "test.CrashEvent",
                   .payload = std::string(100 + 50 * k, static_cast<char>('a' + k))});
    }
    r.command_id = "crash-" + run + "-" + std::to_string(thread) + "-" + std::to_string(i);
    r.actor = "system/crash-test";
    const std::string command_id = r.command_id;
    auto result = store.Append(std::move(r));
    if (!result) {
      std::fprintf(stderr, "store_crash_child: %s\n", result.error().ToString().c_str());
      std::_Exit(3);
    }
    if (!shared) own_version = result->stream_version;
    WriteLine(std::to_string(result->first_position) + " " + std::to_string(result->last_position) +
              " " + (shared ? std::string("crash/shared") : own) + " " +
              std::to_string(result->stream_version) + " " + command_id + "\n");
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: store_crash_child <data-dir>\n");
    return 2;
  }
  goldthread::store::StoreOptions options;
  options.durability = goldthread::store::Durability::kSync;
  auto store = EventStore::Open(argv[1], options);
  if (!store) {
    std::fprintf(stderr, "store_crash_child: %s\n", store.error().ToString().c_str());
    return 3;
  }
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) threads.emplace_back(Appender, std::ref(**store), t);
  std::this_thread::sleep_for(std::chrono::seconds(120));
  std::_Exit(0);
}
