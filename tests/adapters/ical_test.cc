// iCalendar rendering (adapters/ical.h), checked line by line: CRLF, folding at 75 octets
// without splitting a UTF-8 character, one VEVENT per deadline, stable UIDs.
#include "adapters/formats/ical.h"

#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <memory>
#include <set>

#include "tests/testing/temp_dir.h"

namespace goldthread::adapters {
namespace {

namespace v1 = goldthread::v1;

v1::OutstandingWork Work() {
  v1::OutstandingWork w;
  w.set_person_id("p-entry");
  w.set_person_name("Pat Entry");
  w.mutable_evaluated_at()->set_seconds(1317808800);  // 2011-10-05T10:00:00Z
  auto* a = w.add_items();
  a->set_kind(v1::WORK_KIND_SUBMIT_FIGURE);
  a->set_indicator_id("NI-192");
  a->set_period("FY2011-Q2");
  a->set_unit_id("svc-homes");
  a->set_description("submit NI-192 for FY2011-Q2");
  a->mutable_deadline()->set_seconds(1318608000);  // 2011-10-14T16:00:00Z = 17:00 BST
  auto* b = w.add_items();
  b->set_kind(v1::WORK_KIND_ANSWER_QUERY);
  b->set_query_id("Q-1");
  b->set_description("answer query Q-1");  // no deadline: not in the calendar
  auto* c = w.add_items();
  c->set_kind(v1::WORK_KIND_SIGN_OFF_FIGURE);
  c->set_indicator_id("LI-£");
  c->set_period("FY2011-Q2");
  c->set_level(v1::SIGN_OFF_LEVEL_SERVICE);
  c->set_late(true);
  c->set_escalations(2);
  c->set_description(
      "sign off LI-£ (spend per household, £k; a long description that goes on, and on, past "
      "the seventy-five octets a line may hold; with £££ signs at the fold)");
  c->mutable_deadline()->set_seconds(1318003200);  // 2011-10-07T16:00:00Z
  return w;
}

// The physical lines (without their CRLF); fails the test on a bare LF or a missing CRLF.
std::vector<std::string> PhysicalLines(const std::string& text) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start < text.size()) {
    const size_t end = text.find("\r\n", start);
    EXPECT_NE(end, std::string::npos) << "the text ends without CRLF";
    if (end == std::string::npos) break;
    lines.push_back(text.substr(start, end - start));
    EXPECT_EQ(lines.back().find('\n'), std::string::npos) << "a bare LF: " << lines.back();
    start = end + 2;
  }
  return lines;
}

// Content lines after unfolding (RFC 5545 3.1).
std::vector<std::string> Unfold(const std::vector<std::string>& physical) {
  std::vector<std::string> lines;
  for (const std::string& l : physical) {
    if (!l.empty() && l[0] == ' ' && !lines.empty()) {
      lines.back() += l.substr(1);
    } else {
      lines.push_back(l);
    }
  }
  return lines;
}

bool ValidUtf8(const std::string& s) {
  for (size_t i = 0; i < s.size();) {
    const unsigned char c = s[i];
    size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (n == 0 || i + n > s.size()) return false;
    for (size_t k = 1; k < n; ++k)
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    i += n;
  }
  return true;
}

TEST(IcalTest, LinesEndWithCrlfAndFoldAtSeventyFiveOctetsOnCharacterBoundaries) {
  const std::string ics = DeadlinesCalendar(Work(), "t");
  const auto physical = PhysicalLines(ics);
  ASSERT_FALSE(physical.empty());
  bool folded = false;
  for (const std::string& l : physical) {
    EXPECT_LE(l.size(), 75u) << l;
    EXPECT_TRUE(ValidUtf8(l)) << "a fold split a character: " << l;
    folded |= !l.empty() && l[0] == ' ';
  }
  EXPECT_TRUE(folded) << "the long description should have been folded";
  const auto lines = Unfold(physical);
  EXPECT_EQ(lines.front(), "BEGIN:VCALENDAR");
  EXPECT_EQ(lines.back(), "END:VCALENDAR");
  bool found = false;
  for (const std::string& l : lines) {
    if (l.starts_with("SUMMARY:LATE: sign off LI-£")) {
      found = true;
      EXPECT_NE(l.find("£££ signs at the fold)"), std::string::npos) << l;
      EXPECT_NE(l.find("household\\, £k\\; a long"), std::string::npos) << "escaped: " << l;
    }
  }
  EXPECT_TRUE(found);
}

TEST(IcalTest, OneEventPerDeadlineWithUtcTimesAndStableUids) {
  const std::string ics = DeadlinesCalendar(Work(), "t");
  const auto lines = Unfold(PhysicalLines(ics));
  std::vector<std::string> starts, ends, uids, stamps;
  int begins = 0, alarms = 0;
  for (const std::string& l : lines) {
    begins += l == "BEGIN:VEVENT";
    alarms += l == "BEGIN:VALARM";
    if (l.starts_with("DTSTART:")) starts.push_back(l.substr(8));
    if (l.starts_with("DTEND:")) ends.push_back(l.substr(6));
    if (l.starts_with("UID:")) uids.push_back(l.substr(4));
    if (l.starts_with("DTSTAMP:")) stamps.push_back(l.substr(8));
  }
  EXPECT_EQ(begins, 2) << "the item without a deadline has no event";
  EXPECT_EQ(alarms, 2);
  ASSERT_EQ(ends.size(), 2u);
  EXPECT_EQ(ends[0], "20111014T160000Z");
  EXPECT_EQ(starts[0], "20111014T153000Z");
  EXPECT_EQ(stamps[0], "20111005T100000Z");
  ASSERT_EQ(uids.size(), 2u);
  EXPECT_NE(uids[0], uids[1]);
  bool london = false;
  for (const std::string& l : lines)
    london |= l.find("Due 2011-10-14 17:00 BST (London time)") != std::string::npos;
  EXPECT_TRUE(london) << ics;
  // The same work rendered again (later, with the order changed) keeps each event's UID.
  v1::OutstandingWork later = Work();
  later.mutable_evaluated_at()->set_seconds(1318000000);
  later.mutable_items()->SwapElements(0, 2);
  std::set<std::string> again;
  for (const std::string& l : Unfold(PhysicalLines(DeadlinesCalendar(later, "t"))))
    if (l.starts_with("UID:")) again.insert(l.substr(4));
  EXPECT_EQ(again, std::set<std::string>(uids.begin(), uids.end()));
}

TEST(IcalTest, FoldLineLeavesShortLinesAloneAndEscapeTextEscapes) {
  EXPECT_EQ(FoldLine("VERSION:2.0"), "VERSION:2.0\r\n");
  const std::string exactly75(75, 'x');
  EXPECT_EQ(FoldLine(exactly75), exactly75 + "\r\n");
  EXPECT_EQ(FoldLine(std::string(76, 'x')), std::string(75, 'x') + "\r\n x\r\n");
  EXPECT_EQ(EscapeText("a,b;c\\d\ne\r\nf"), "a\\,b\\;c\\\\d\\ne\\nf");
}

std::string Capture(const std::string& command) {
  std::string out;
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(command.c_str(), "r"), pclose);
  if (!pipe) return out;
  std::array<char, 4096> buffer;
  size_t n;
  while ((n = fread(buffer.data(), 1, buffer.size(), pipe.get())) > 0) out.append(buffer.data(), n);
  return out;
}

// With Debian's python3-icalendar installed (GOLDTHREAD_WITH_TEST_TOOLS=1
// deploy/install-deps.sh), a real parser reads the calendar: two events, their deadlines as
// London times, the folded summary whole.
TEST(IcalTest, APythonICalendarParserReadsTheDeadlines) {
  if (Capture("/usr/bin/python3 -c 'import icalendar' 2>&1 && echo ok") != "ok\n") {
    GTEST_SKIP() << "python3-icalendar is not installed";
  }
  goldthread::testing::TempDir dir;
  const std::string ics_path = dir.Sub("deadlines.ics");
  const std::string script_path = dir.Sub("check.py");
  const std::string ics = DeadlinesCalendar(Work(), "t");
  std::FILE* f = std::fopen(ics_path.c_str(), "wb");
  ASSERT_NE(f, nullptr);
  std::fwrite(ics.data(), 1, ics.size(), f);
  std::fclose(f);
  f = std::fopen(script_path.c_str(), "w");
  ASSERT_NE(f, nullptr);
  std::fputs(R"(import sys, icalendar
from dateutil import tz
cal = icalendar.Calendar.from_ical(open(sys.argv[1], 'rb').read())
london = tz.gettz('Europe/London')
for e in cal.walk('VEVENT'):
    end = e.decoded('DTEND').astimezone(london)
    print(end.strftime('%Y-%m-%d %H:%M %Z'), str(e.get('SUMMARY'))[:30])
)",
             f);
  std::fclose(f);
  EXPECT_EQ(Capture("/usr/bin/python3 '" + script_path + "' '" + ics_path + "' 2>&1"),
            "2011-10-14 17:00 BST Due: submit NI-192 for FY2011-\n"
            "2011-10-07 17:00 BST LATE: sign off LI-£ (spend per\n");
}

}  // namespace
}  // namespace goldthread::adapters
