// store_crash_child: the process that crash_test.cc kills. Test-only.
//
// Usage: store_crash_child <data-dir>
// Opens the store in kSync mode and appends forever from 4 threads (each to its own stream with
// an exact expected version, every fifth append to a shared stream with any version, every
// seventh an atomic group of two, half of those refused), with a fresh command id per request. After each append is acknowledged it writes one line to stdout:
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

void Acknowledge(const goldthread::store::AppendResult& result, const std::string& stream,
                 const std::string& command_id) {
  WriteLine(std::to_string(result.first_position) + " " + std::to_string(result.last_position) +
            " " + stream + " " + std::to_string(result.stream_version) + " " + command_id + "\n");
}

void Appender(EventStore& store, int thread) {
  const std::string own = "crash/w" + std::to_string(thread);
  auto version = store.StreamVersion(own);
  if (!version) std::_Exit(3);
  uint64_t own_version = *version;
  // The pid alone repeats across a few hundred runs on a busy machine (pid_max is 32768), and a
  // repeated command id is a duplicate answering with an old stream version.
  const std::string run =
      std::to_string(::getpid()) + "." +
      std::to_string(std::chrono::system_clock::now().time_since_epoch().count());
  auto make = [&](const std::string& stream, ExpectedVersion expected, size_t events,
                  std::string command_id) {
    AppendRequest r;
    r.stream = stream;
    r.expected = expected;
    for (size_t k = 0; k < events; ++k) {
      r.events.push_back(
          NewEvent{.type = "test.CrashEvent",
                   .payload = std::string(100 + 50 * k, static_cast<char>('a' + k))});
    }
    r.command_id = std::move(command_id);
    r.actor = "system/crash-test";
    return r;
  };
  auto own_expected = [&] {
    return own_version == 0 ? ExpectedVersion::NoStream() : ExpectedVersion::Exact(own_version);
  };
  for (uint64_t i = 0;; ++i) {
    const std::string command_id =
        "crash-" + run + "-" + std::to_string(thread) + "-" + std::to_string(i);
    if (i % 7 == 6) {
      // An atomic group, so that crashes land in batches with save points: every other one is
      // refused by its second request (a version the stream cannot have) and writes nothing.
      const bool refused = i % 14 == 13;
      std::vector<AppendRequest> group;
      group.push_back(make(own, own_expected(), 2, command_id + "-a"));
      group.push_back(refused ? make(own, ExpectedVersion::Exact(own_version + 1000), 1,
                                     command_id + "-b")
                              : make("crash/shared", ExpectedVersion::Any(), 1, command_id + "-b"));
      auto results = store.AppendAll(std::move(group));
      if (refused) {
        if (results || results.error().code != goldthread::ErrorCode::kConflict) std::_Exit(3);
        continue;
      }
      if (!results) {
        std::fprintf(stderr, "store_crash_child: %s\n", results.error().ToString().c_str());
        std::_Exit(3);
      }
      own_version = (*results)[0].stream_version;
      Acknowledge((*results)[0], own, command_id + "-a");
      Acknowledge((*results)[1], "crash/shared", command_id + "-b");
      continue;
    }
    const bool shared = i % 5 == 4;
    const std::string stream = shared ? std::string("crash/shared") : own;
    auto result = store.Append(
        make(stream, shared ? ExpectedVersion::Any() : own_expected(), 1 + i % 3, command_id));
    if (!result) {
      std::fprintf(stderr, "store_crash_child: %s\n", result.error().ToString().c_str());
      std::_Exit(3);
    }
    if (!shared) own_version = result->stream_version;
    Acknowledge(*result, stream, command_id);
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
