// CouncilSeed: the demo council's units, people, priorities, indicators, commentary and demo
// users, read from a protobuf text file (goldthread.v1.DemoCouncil, proto/goldthread/v1/demo.proto)
// and checked, with the cross-references resolved to indexes the simulation uses.
//
//   Result<CouncilSeed> seed = LoadCouncilSeed(DefaultDemoCouncilPath());
//   for (size_t i = 0; i < seed->council.indicators_size(); ++i) seed->indicator_service[i] ...
//
// A file that does not parse, or that refers to a unit, service, priority or person it does not
// define, is refused with "<file>:<line>: <reason>" (every problem, one a line).
//
// Threading: pure functions of their input; a CouncilSeed is immutable once loaded.
#ifndef GOLDTHREAD_ADAPTERS_DEMO_COUNCIL_SEED_H_
#define GOLDTHREAD_ADAPTERS_DEMO_COUNCIL_SEED_H_

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "goldthread/v1/demo.pb.h"
#include "store/base/errors.h"

namespace goldthread::adapters {

struct CouncilSeed {
  goldthread::v1::DemoCouncil council;
  // Parallel to council.services: the index of each service's directorate.
  std::vector<int> service_directorate;
  // Parallel to council.indicators: the index of each indicator's owning service.
  std::vector<int> indicator_service;
  // Every unit's name by id: the council, directorates, services and the partnership board.
  std::map<std::string, std::string> unit_names;
  // Every person's name by id, service people ("entry-<id>", "hos-<id>") included.
  std::map<std::string, std::string> person_names;

  // The ids of a service's people (by index into council.services).
  std::string DataEntryOfficerOf(int service) const;
  std::string HeadOfServiceOf(int service) const;
  std::string DirectorOf(int service) const;
};

// workflows/demo/ashcombe.textproto in the workflows folder (engine::DefaultWorkflowsDir), so
// the demo council is found, and installed, wherever the timetables are.
std::string DefaultDemoCouncilPath();

// Reads and checks the file at `path`. Errors: kNotFound when it cannot be read;
// kInvalidArgument, naming file and line of each problem, when it does not parse or check.
Result<CouncilSeed> LoadCouncilSeed(const std::string& path);

// The same for text already read; `file` names it in errors.
Result<CouncilSeed> ParseCouncilSeed(std::string_view text, const std::string& file);

}  // namespace goldthread::adapters

#endif  // GOLDTHREAD_ADAPTERS_DEMO_COUNCIL_SEED_H_
