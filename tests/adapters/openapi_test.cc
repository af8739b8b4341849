// docs/openapi.json describes exactly the routes the API registers (it is generated from the
// route table by docs/gen_openapi.py; this test catches a route added without regenerating).
#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

#include "adapters/api/api.h"

namespace goldthread::adapters {
namespace {

google::protobuf::Struct LoadDocument() {
  std::ifstream in(std::string(GOLDTHREAD_SOURCE_DIR) + "/docs/openapi.json");
  std::stringstream text;
  text << in.rdbuf();
  google::protobuf::Struct doc;
  EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(text.str(), &doc).ok());
  return doc;
}

TEST(OpenApiTest, DocumentsEveryRouteAndNothingElse) {
  const google::protobuf::Struct doc = LoadDocument();
  ASSERT_TRUE(doc.fields().contains("paths"));
  const auto& paths = doc.fields().at("paths").struct_value().fields();
  const auto& schemas =
      doc.fields().at("components").struct_value().fields().at("schemas").struct_value().fields();

  Router router;
  Metrics metrics;
  // The routes need an Api only to be registered; nothing is called.
  engine::CommandHandler* no_handler = nullptr;
  engine::Scheduler* no_scheduler = nullptr;
  Api api(no_handler, no_scheduler, &metrics, {.worker_threads = 1});
  api.Register(&router);

  std::set<std::pair<std::string, std::string>> registered;
  for (auto [method, pattern] : router.Routes()) {
    // A rest-of-path capture "{name...}" is documented as OpenAPI's "{name}".
    if (size_t dots = pattern.find("...}"); dots != std::string::npos) pattern.erase(dots, 3);
    std::string m = method;
    std::transform(m.begin(), m.end(), m.begin(), ::tolower);
    registered.insert({m, pattern});
    ASSERT_TRUE(paths.contains(pattern)) << pattern << " is not in docs/openapi.json";
    const auto& ops = paths.at(pattern).struct_value().fields();
    ASSERT_TRUE(ops.contains(m)) << m << " " << pattern << " is not in docs/openapi.json";
    // Every command's body schema exists.
    const auto& op = ops.at(m).struct_value().fields();
    if (op.contains("requestBody")) {
      const auto& schema = op.at("requestBody")
                               .struct_value()
                               .fields()
                               .at("content")
                               .struct_value()
                               .fields()
                               .at("application/json")
                               .struct_value()
                               .fields()
                               .at("schema")
                               .struct_value()
                               .fields();
      if (schema.contains("$ref")) {
        const std::string& ref = schema.at("$ref").string_value();
        EXPECT_TRUE(schemas.contains(ref.substr(ref.rfind('/') + 1))) << ref;
      }
    }
  }
  for (const auto& [path, item] : paths) {
    for (const auto& [method, op] : item.struct_value().fields()) {
      EXPECT_TRUE(registered.count({method, path}))
          << method << " " << path << " is documented but not served";
    }
  }
}

// Every answer is described: each operation has a success response whose every media type
// carries a schema, and each schema it names exists.
TEST(OpenApiTest, EveryRouteHasAResponseSchema) {
  const google::protobuf::Struct doc = LoadDocument();
  const auto& paths = doc.fields().at("paths").struct_value().fields();
  const auto& schemas =
      doc.fields().at("components").struct_value().fields().at("schemas").struct_value().fields();
  Router router;
  Metrics metrics;
  Api api(nullptr, nullptr, &metrics, {.worker_threads = 1});
  api.Register(&router);
  for (auto [method, pattern] : router.Routes()) {
    if (size_t dots = pattern.find("...}"); dots != std::string::npos) pattern.erase(dots, 3);
    std::string m = method;
    std::transform(m.begin(), m.end(), m.begin(), ::tolower);
    ASSERT_TRUE(paths.contains(pattern) && paths.at(pattern).struct_value().fields().contains(m))
        << m << " " << pattern;
    const auto& responses = paths.at(pattern)
                                .struct_value()
                                .fields()
                                .at(m)
                                .struct_value()
                                .fields()
                                .at("responses")
                                .struct_value()
                                .fields();
    bool described = false;
    for (const auto& [code, response] : responses) {
      if (code.empty() || code[0] != '2') continue;
      const auto& fields = response.struct_value().fields();
      if (!fields.contains("content")) continue;
      for (const auto& [media, content] : fields.at("content").struct_value().fields()) {
        const auto& c = content.struct_value().fields();
        ASSERT_TRUE(c.contains("schema")) << m << " " << pattern << " " << code << " " << media;
        described = true;
        const auto& schema = c.at("schema").struct_value().fields();
        if (schema.contains("$ref")) {
          const std::string& ref = schema.at("$ref").string_value();
          EXPECT_TRUE(schemas.contains(ref.substr(ref.rfind('/') + 1))) << ref;
        }
      }
    }
    EXPECT_TRUE(described) << m << " " << pattern << " has no success response schema";
  }
}

}  // namespace
}  // namespace goldthread::adapters
