// The operator's own commands on the data folder: `goldthread init` (start a council) and
// `goldthread token create` (an API token for a person).
#include <CLI/CLI.hpp>
#include <cstdio>
#include <memory>
#include <string>

#include "adapters/cli/internal/cli_commands.h"
#include "adapters/verifiable_log/log_key.h"
#include "adapters/cli/internal/private_files.h"
#include "adapters/web/token.h"
#include "engine/command/command_handler.h"
#include "engine/council_engine.h"
#include "store/event_store.h"

namespace goldthread::adapters::internal {
namespace {

namespace v1 = goldthread::v1;

// Opens the store and a command handler for the operator's own commands (init, token).
struct OperatorSession {
  std::unique_ptr<store::EventStore> store;
  std::unique_ptr<engine::CouncilEngine> engine;
};
Result<OperatorSession> OpenForOperator(const std::string& data_dir, const std::string& tenant) {
  RestrictNewFiles();  // the store holds token hashes: the owner's only
  auto opened = store::EventStore::Open(data_dir, store::StoreOptions{});
  if (!opened) return Unexpected(opened.error());
  MakePrivate(data_dir);
  OperatorSession s{.store = std::move(*opened)};
  // Starting a council and issuing tokens are decided by no workflow rule: no timetables needed.
  auto engine =
      engine::CouncilEngine::Open(s.store.get(), &SystemClock::Instance(), {.tenant = tenant});
  if (!engine) return Unexpected(engine.error());
  s.engine = std::move(*engine);
  return s;
}

int RunInit(const std::string& data_dir, const std::string& tenant, const std::string& council_id,
            const std::string& council_name, const std::string& admin_id,
            const std::string& admin_name, const std::string& admin_email,
            const std::string& log_key, const std::string& log_origin) {
  // The key first: a council is never started with a log nobody can sign.
  bool created = false;
  auto signer = LoadOrCreateLogKey(log_key, log_origin.empty() ? DefaultLogOrigin(tenant) : log_origin,
                                   &created);
  if (!signer) return Fail(signer.error());
  auto session = OpenForOperator(data_dir, tenant);
  if (!session) return Fail(session.error());
  auto r = session->engine->commands().Bootstrap(council_id, council_name, admin_id, admin_name,
                                                 "init", admin_email);
  if (!r) return Fail(r.error());
  std::printf("started tenant %s: council %s, administrator %s\n", tenant.c_str(),
              council_id.c_str(), admin_id.c_str());
  std::printf("the log is signed by the key in %s (%s); publish its verifier key:\n%s\n",
              log_key.c_str(), created ? "new" : "kept", signer->VerifierKey().c_str());
  return 0;
}

int RunTokenCreate(const std::string& data_dir, const std::string& tenant,
                   const std::string& person, const std::string& label, unsigned days) {
  auto session = OpenForOperator(data_dir, tenant);
  if (!session) return Fail(session.error());
  auto r = session->engine->commands().IssueTokenAsOperator(person, label, days);
  if (!r) return Fail(r.error());
  std::printf("%s\n", r->secret().c_str());
  std::fprintf(stderr, "token %s for %s, valid %u days. It is shown only now: keep it safe.\n",
               r->created_id().c_str(), person.c_str(), days);
  return 0;
}

int RunInvite(const std::string& data_dir, const std::string& tenant, const std::string& person,
              const std::string& base_url) {
  auto session = OpenForOperator(data_dir, tenant);
  if (!session) return Fail(session.error());
  v1::Command c;
  c.mutable_invite_person()->set_person_id(person);
  auto r = session->engine->commands().Execute(
      {.actor = engine::kOperatorActor, .command_id = "invite-" + web::RandomToken().substr(0, 24)},
      c);
  if (!r) return Fail(r.error());
  std::printf("%s/set-password?invitation=%s\n", base_url.c_str(), r->secret().c_str());
  std::fprintf(stderr,
               "invitation for %s, valid 72 hours, shown only now: send it to them to set a "
               "password.\n",
               person.c_str());
  return 0;
}

struct InitOptions {
  std::string council_id = "council", council_name, admin_id = "admin", admin_name, admin_email;
  std::string log_origin;
};

struct TokenOptions {
  std::string token_person, token_label = "created on the command line";
  unsigned token_days = 90;
};

}  // namespace

void AddInitCommand(CLI::App& app, CliContext& cli) {
  std::string& data_dir = cli.data_dir;
  std::string& tenant = cli.tenant;
  auto options = std::make_shared<InitOptions>();
  auto& [council_id, council_name, admin_id, admin_name, admin_email, log_origin] = *options;
  auto* init = app.add_subcommand(
      "init", "Start a council in an empty store: its top org unit and first administrator.");
  init->add_option("--data-dir", data_dir, "Folder holding the store")->capture_default_str();
  init->add_option("--tenant", tenant, "The council's tenant id")->capture_default_str();
  init->add_option("--council-id", council_id, "Id of the council's org unit")
      ->capture_default_str();
  init->add_option("--council-name", council_name, "The council's name")->required();
  init->add_option("--admin-id", admin_id, "Person id of the first administrator")
      ->capture_default_str();
  init->add_option("--admin-name", admin_name, "The first administrator's name")->required();
  init->add_option("--admin-email", admin_email,
                   "The first administrator's e-mail address, to sign in to the web with");
  init->add_option("--log-origin", log_origin,
                   "The log's name in its checkpoints, e.g. "
                   "ashcombe.example.gov.uk/performance (default: goldthread.invalid/<tenant>)");
  AddLogKeyOption(init, cli);
  cli.commands.emplace_back(init, [&cli, options] {
    return RunInit(cli.data_dir, cli.tenant, options->council_id, options->council_name,
                   options->admin_id, options->admin_name, options->admin_email, LogKeyPath(cli),
                   options->log_origin);
  });
}

void AddInviteCommand(CLI::App& app, CliContext& cli) {
  struct InviteOptions {
    std::string person, base_url = "http://127.0.0.1:8080";
  };
  auto options = std::make_shared<InviteOptions>();
  auto* invite = app.add_subcommand(
      "invite",
      "Invite a registered person to set a web password, and print the one-time link (valid 72 "
      "hours). For the operator who holds the data folder, e.g. for the first administrator.");
  invite->add_option("--data-dir", cli.data_dir, "Folder holding the store")->capture_default_str();
  invite->add_option("--tenant", cli.tenant, "The council")->capture_default_str();
  invite->add_option("--person", options->person, "Person id to invite")->required();
  invite->add_option("--base-url", options->base_url, "Where people reach the web interface")
      ->capture_default_str();
  cli.commands.emplace_back(invite, [&cli, options] {
    return RunInvite(cli.data_dir, cli.tenant, options->person, options->base_url);
  });
}

void AddTokenCommands(CLI::App& app, CliContext& cli) {
  std::string& data_dir = cli.data_dir;
  std::string& tenant = cli.tenant;
  auto options = std::make_shared<TokenOptions>();
  auto& [token_person, token_label, token_days] = *options;
  auto* token = app.add_subcommand("token", "API tokens for people");
  token->require_subcommand(1);
  auto* token_create = token->add_subcommand(
      "create",
      "Issue an API token for a registered person and print it (shown only once; only its "
      "hash is kept). For the operator who holds the data folder.");
  token_create->add_option("--data-dir", data_dir, "Folder holding the store")
      ->capture_default_str();
  token_create->add_option("--tenant", tenant, "The council")->capture_default_str();
  token_create->add_option("--person", token_person, "Person id the token acts as")->required();
  token_create->add_option("--label", token_label, "What the token is for")->capture_default_str();
  token_create->add_option("--days", token_days, "Days until it expires (1-366)")
      ->capture_default_str()
      ->check(CLI::Range(1, 366));
  cli.commands.emplace_back(token_create, [&cli, options] {
    return RunTokenCreate(cli.data_dir, cli.tenant, options->token_person, options->token_label,
                          options->token_days);
  });
}

}  // namespace goldthread::adapters::internal
