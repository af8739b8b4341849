// DataDir: where goldthread's read-only run-time files are, found from the running program
// rather than from the source tree it was built from.
//
//   <prefix>/bin/goldthread
//   <prefix>/share/goldthread/              DataDir()
//     workflows/*.textproto                 the shipped timetables (engine::DefaultWorkflowsDir)
//     workflows/calendars/...               bank holidays (engine::DefaultBankHolidaysPath)
//     workflows/demo/ashcombe.textproto     the demo council
//     openapi.json                          served at GET /api/v1/openapi.json
//     web/...                               the web interface's static files and templates
//
// `cmake --install` lays this out under its prefix (/usr/local by default), and every build
// tree mirrors it: build/<tree>/bin/ holds the executables (tests too) and
// build/<tree>/share/goldthread/ a copy of these files, made by the goldthread_data() CMake
// helper, so a program run from the build finds them the same way. A new kind of file is one
// goldthread_data(DESTINATION <folder> FILES ...) call in its folder's CMakeLists.txt and one
// DataPath("<folder>/<name>") here.
//
// Thread-safe: reads the environment and /proc/self/exe on every call, changes nothing.
#ifndef GOLDTHREAD_STORE_BASE_DATA_DIR_H_
#define GOLDTHREAD_STORE_BASE_DATA_DIR_H_

#include <string>
#include <string_view>

namespace goldthread {

// $GOLDTHREAD_SHARE_DIR when set and not empty (a copy of share/goldthread elsewhere; not
// GOLDTHREAD_DATA_DIR, which names the store, the default --data-dir); else <folder of the running
// executable>/../ share/goldthread, normalised (the executable's own path, symlinks resolved, from
// /proc/self/exe); else, when that cannot be read, "share/goldthread" relative to the working
// folder. The folder is not checked: a missing file is reported by whoever opens it, naming
// the path.
std::string DataDir();

// DataDir() + "/" + relative, e.g. DataPath("openapi.json"), DataPath("web/static").
std::string DataPath(std::string_view relative);

}  // namespace goldthread

#endif  // GOLDTHREAD_STORE_BASE_DATA_DIR_H_
