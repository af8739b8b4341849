// `goldthread demo`: a demo council created in a new folder, and the tokens to try it with.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>

#include "adapters/cli/internal/cli_commands.h"
#include "adapters/cli/internal/private_files.h"
#include "adapters/demo/demo_council.h"
#include "adapters/verifiable_log/log_key.h"
#include "engine/model/local_date.h"
#include "store/base/atomic_file.h"
#include "store/base/clock.h"

namespace goldthread::adapters::internal {
namespace {

int RunDemo(DemoOptions options, const std::string& today, const std::string& log_key) {
  RestrictNewFiles();  // the demo's store and demo-accounts.txt: the owner's only
  const TimePoint now = SystemClock::Instance().Now();
  const engine::LocalDay real_today = engine::LondonDayOf(now);
  if (today.empty()) {
    options.today = real_today;
  } else {
    auto day = engine::ParseLocalDay(today, "today");
    if (!day) {
      std::fprintf(stderr, "goldthread: --today wants a date as YYYY-MM-DD, e.g. 2026-11-23\n");
      return 2;
    }
    options.today = *day;
  }
  // On the real date the simulation stops at the real now, so `serve` carries on from there.
  if (options.today == real_today) options.now = now;
  const auto started = std::chrono::steady_clock::now();
  auto report = CreateDemoCouncil(options);
  if (!report) return Fail(report.error());
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::printf("Created %s in %s: %s to %s, %zu quarterly cycles, %llu events (%.1f s).\n",
              report->council_name.c_str(), options.data_dir.c_str(),
              report->periods.front().c_str(), report->periods.back().c_str(),
              report->periods.size(), static_cast<unsigned long long>(report->events), seconds);
  std::printf("The current cycle is %s, as of %s; %d of its figures are not yet submitted.\n\n",
              report->current_period.c_str(), engine::FormatLocalDay(options.today).c_str(),
              report->figures_not_submitted);
  // The web sign-ins, kept in the data folder (readable by its owner only) so that
  // deploy/run.sh can show them at every start of the demo.
  std::string accounts = fmt::format(
      "Sign in at http://127.0.0.1:8080/sign-in as any of these demo people:\n\n");
  for (const DemoUser& u : report->users) {
    accounts += fmt::format("  {:<36} {:<32} password {}\n", u.role + ",", u.email, u.password);
  }
  const std::string accounts_path = options.data_dir + "/demo-accounts.txt";
  if (auto s = WriteFileAtomically(accounts_path, accounts, 0600); !s) return Fail(s.error());
  MakePrivate(options.data_dir);
  std::printf("%s\n(kept in %s)\n\n", accounts.c_str(), accounts_path.c_str());
  // The log's signing key beside the folder (kept if an earlier demo left one there).
  bool created = false;
  auto signer = LoadOrCreateLogKey(log_key, "ashcombe.example/performance", &created);
  if (!signer) return Fail(signer.error());
  std::printf("The log is signed by the key in %s; its verifier key (docs/VERIFYING.md):\n  %s\n\n",
              log_key.c_str(), signer->VerifierKey().c_str());

  std::printf("API tokens (valid %u days, shown only now):\n\n", options.token_days);
  for (const DemoUser& u : report->users) {
    std::printf("  %s, %s (%s), %s\n    may: %s\n    token: %s\n\n", u.role.c_str(), u.name.c_str(),
                u.person_id.c_str(), u.scope.c_str(), u.may.c_str(), u.token.c_str());
  }
  std::printf("Start it:  goldthread serve --data-dir %s --tenant %s\n", options.data_dir.c_str(),
              options.tenant.c_str());
  std::printf(
      "Then open http://127.0.0.1:8080/ in a browser, or\n"
      "           curl -H 'Authorization: Bearer <token>' "
      "http://127.0.0.1:8080/api/v1/me  (the whole API: docs/openapi.json)\n");
  return 0;
}

struct DemoCommandOptions {
  DemoOptions demo_options;
  std::string demo_today;
};

}  // namespace

void AddDemoCommand(CLI::App& app, CliContext& cli) {
  std::string& data_dir = cli.data_dir;
  std::string& tenant = cli.tenant;
  auto options = std::make_shared<DemoCommandOptions>();
  auto& [demo_options, demo_today] = *options;
  auto* demo = app.add_subcommand(
      "demo",
      "Create a demo council to try goldthread on: Ashcombe Borough Council, with 4 "
      "directorates, 12 services, a Health and Wellbeing Board and 60 indicators across the four "
      "balanced-scorecard perspectives, and years of quarterly performance cycles run through "
      "the real workflow (figures submitted, signed off, sent back, amended, challenged, "
      "published; reminders and escalations for the late ones). The current quarter's cycle is "
      "in progress as of today, with some returns late. Prints a token for one person in each "
      "role. Refuses a folder that already holds anything.");
  demo->add_option("--data-dir", data_dir, "New (or empty) folder to create the store in")
      ->capture_default_str();
  demo->add_option("--tenant", tenant, "The council's tenant id (serve it with the same)")
      ->capture_default_str();
  demo->add_option("--today", demo_today,
                   "The day the demo stands at, YYYY-MM-DD (default: today's date)");
  demo->add_option("--years", demo_options.years, "Years of history before the current quarter")
      ->capture_default_str()
      ->check(CLI::Range(1, 10));
  demo->add_option("--seed", demo_options.seed,
                   "Seed of every random choice: the same seed and date give the same council")
      ->capture_default_str();
  demo->add_option("--workflow", demo_options.workflow_id, "The council's quarterly timetable")
      ->capture_default_str();
  AddLogKeyOption(demo, cli);
  cli.commands.emplace_back(demo, [&cli, options] {
    DemoOptions& demo_options = options->demo_options;
    demo_options.data_dir = cli.data_dir;
    demo_options.tenant = cli.tenant;
    demo_options.workflows_dir = EnvOr("GOLDTHREAD_WORKFLOWS", "");
    return RunDemo(demo_options, options->demo_today, LogKeyPath(cli));
  });
}

}  // namespace goldthread::adapters::internal
