// The log as CloudEvents JSON lines (adapters/cloudevents_export.h): one line per event, each a
// JSON object with the required attributes, read back with protobuf's own JSON parser.
#include "adapters/formats/cloudevents_export.h"

#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>
#include <gtest/gtest.h>

#include "tests/testing/council_fixture.h"

namespace goldthread::adapters {
namespace {

using CloudEventsExportTest = goldthread::testing::CouncilFixture;

TEST_F(CloudEventsExportTest, OneJsonLinePerEventWithTheRequiredAttributes) {
  MustRun("p-entry", Submit("NI-192", "FY2011-Q2", 61.2, "on track"));
  std::string text;
  auto n = ExportLogAsCloudEvents(*store_, "urn:goldthread:t", [&](std::string_view line) {
    text += line;
    return OkStatus();
  });
  ASSERT_TRUE(n) << n.error().ToString();
  EXPECT_EQ(*n, Head());
  std::vector<std::string> lines;
  for (size_t start = 0; start < text.size();) {
    const size_t end = text.find('\n', start);
    ASSERT_NE(end, std::string::npos);
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  ASSERT_EQ(lines.size(), Head());
  auto all = store_->ReadAll(1, store::Direction::kForward, 10000);
  ASSERT_TRUE(all);
  for (size_t i = 0; i < lines.size(); ++i) {
    google::protobuf::Struct event;
    ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(lines[i], &event).ok()) << lines[i];
    const auto& f = event.fields();
    for (const char* required : {"specversion", "id", "source", "type", "subject", "time",
                                 "position", "hash", "datacontenttype", "data"}) {
      EXPECT_TRUE(f.contains(required)) << required << " missing from " << lines[i];
    }
    const store::Envelope& e = all->events[i];
    EXPECT_EQ(f.at("specversion").string_value(), "1.0");
    EXPECT_EQ(f.at("id").string_value(), e.event_id());
    EXPECT_EQ(f.at("source").string_value(), "urn:goldthread:t");
    EXPECT_EQ(f.at("type").string_value(), e.type());
    EXPECT_EQ(f.at("subject").string_value(), e.stream());
    EXPECT_EQ(f.at("position").string_value(), std::to_string(e.position()));
    EXPECT_EQ(f.at("hash").string_value().size(), 64u);
    EXPECT_EQ(f.at("datacontenttype").string_value(), "application/json");
    EXPECT_TRUE(f.at("time").string_value().ends_with("Z")) << f.at("time").string_value();
  }
  // The last event is the submission, its payload in the protobuf JSON mapping.
  google::protobuf::Struct last;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(lines.back(), &last).ok());
  const auto& data = last.fields().at("data").struct_value().fields();
  ASSERT_TRUE(data.contains("figureSubmitted")) << lines.back();
  EXPECT_EQ(data.at("figureSubmitted").struct_value().fields().at("commentary").string_value(),
            "on track");
  EXPECT_EQ(last.fields().at("actor").string_value(), "p-entry");
}

TEST_F(CloudEventsExportTest, AFailingWriterStopsTheExport) {
  int calls = 0;
  auto n = ExportLogAsCloudEvents(*store_, "urn:x", [&](std::string_view) -> Status {
    if (++calls == 3) return MakeError(ErrorCode::kUnavailable, "disk full");
    return OkStatus();
  });
  ASSERT_FALSE(n);
  EXPECT_EQ(n.error().message, "disk full");
  EXPECT_EQ(calls, 3);
}

}  // namespace
}  // namespace goldthread::adapters
