// The CLI's `import` and `export` commands, kept apart from cli.cc: `import figures`,
// `import indicators` (CSV, all rows or none, with --dry-run), `export scorecard`,
// `export trail` (CSV or .xlsx), `export log` (CloudEvents JSON lines), `export calendar`
// (a person's deadlines as iCalendar), and `calendar-feed issue|revoke` (private feed links).
//
//   ImportExportCli import_export;
//   import_export.Register(app, &data_dir, &tenant);
//   ... app.parse(argc, argv) ...
//   if (import_export.Chosen()) return import_export.Run();
//
// Imports open the store for writing (stop the server first, as for `init`); exports open it
// read-only, so they run beside a serving process. Output files are written to a temporary
// name in the same folder and renamed into place, so a failed export leaves no partial file.
// Exit codes as cli.cc: 0 done, 1 rows were refused (nothing imported), 2 usage, 3 could not run.
//
// Threading: called once from main's thread.
#ifndef GOLDTHREAD_ADAPTERS_CLI_CLI_IMPORT_EXPORT_H_
#define GOLDTHREAD_ADAPTERS_CLI_CLI_IMPORT_EXPORT_H_

#include <CLI/CLI.hpp>
#include <string>

namespace goldthread::adapters {

class ImportExportCli {
 public:
  // Adds the subcommands to `app`. `data_dir` and `tenant` are the command line's shared
  // values; not owned, and must outlive Run.
  void Register(CLI::App& app, std::string* data_dir, const std::string* tenant);
  // True when the parsed command line chose one of these subcommands.
  bool Chosen() const;
  // Runs the chosen subcommand; returns the exit code.
  int Run();

 private:
  std::string* data_dir_ = nullptr;
  const std::string* tenant_ = nullptr;
  CLI::App* import_figures_ = nullptr;
  CLI::App* import_indicators_ = nullptr;
  CLI::App* export_scorecard_ = nullptr;
  CLI::App* export_trail_ = nullptr;
  CLI::App* export_log_ = nullptr;
  CLI::App* export_calendar_ = nullptr;
  CLI::App* feed_issue_ = nullptr;
  CLI::App* feed_revoke_ = nullptr;
  std::string file_;
  bool dry_run_ = false;
  std::string unit_;
  std::string period_;
  std::string directorate_;
  std::string format_;
  std::string out_;
  std::string person_;
  std::string workflow_ = "chesterfield-service-first";
  std::string workflows_dir_;
  std::string source_ = "urn:goldthread";
  unsigned days_ = 366;
  std::string token_id_;
};

}  // namespace goldthread::adapters

#endif  // GOLDTHREAD_ADAPTERS_CLI_CLI_IMPORT_EXPORT_H_
