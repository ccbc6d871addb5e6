// libFuzzer target: the input is a whole capture file. sigan imports it into
// an in-memory database (as `sigan QUERY CAPTURE` does), then runs every query
// command over the result in every output format. Nothing may crash, hang or
// leak; the only exceptions allowed out of sigan are its documented ones
// (CaptureError: not a capture; UserError: e.g. unknown pid; DbError).

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "analyze/store/db.h"
#include "analyze/cli/errors.h"
#include "analyze/query/output.h"
#include "analyze/query/queries.h"
#include "analyze/cli/sources.h"
#include "schema/capture_error.h"
#include "tests/fuzz/fuzz_input.h"

namespace {

namespace analyze = sigrec::analyze;
using analyze::Db;
using analyze::Format;

// A few pids the imported data knows, for the per-pid queries: the last
// signalled or exited ones (where who-killed has most to say), and the first
// process of the snapshot (the root of the tree).
std::vector<uint32_t> knownPids(const Db& db) {
  std::vector<uint32_t> out;
  auto st = db.prepare(
      "SELECT pid FROM (SELECT target_pid AS pid FROM signals UNION SELECT pid FROM exits"
      " ORDER BY 1 DESC LIMIT 3) UNION SELECT MIN(pid) FROM processes");
  while (st.step()) {
    if (st.isNull(0)) continue;
    int64_t pid = st.getInt(0);
    if (pid > 0 && pid <= UINT32_MAX) out.push_back(static_cast<uint32_t>(pid));
  }
  return out;
}

// Runs one query command; a UserError (unknown pid, ...) is a normal answer.
template <typename F>
void query(F&& run) {
  try {
    std::ostringstream out;
    run(out);
  } catch (const analyze::UserError&) {
  }
}

// One output format per input (chosen by its size), so that each run stays
// cheap: a fresh database and every query are already ~20 statements.
void runQueries(const Db& db, Format format) {
  query([&](std::ostream& out) { analyze::cmdInfo(db, format, out); });
  query([&](std::ostream& out) { analyze::cmdTimeline(db, {}, format, out); });
  query([&](std::ostream& out) { analyze::cmdExits(db, {}, format, out); });
  query([&](std::ostream& out) { analyze::cmdExits(db, {.failed = true}, format, out); });
  query([&](std::ostream& out) {
    analyze::cmdSql(db, "SELECT * FROM signals ORDER BY time_ns LIMIT 50", format, out);
  });
  for (uint32_t pid : knownPids(db)) {
    query([&](std::ostream& out) { analyze::cmdWhoKilled(db, pid, std::nullopt, format, out); });
    query([&](std::ostream& out) { analyze::cmdTree(db, pid, std::nullopt, format, out); });
    analyze::TimelineFilter filter{
        .pid = pid, .signal = 9, .sinceWallNs = 0, .untilWallNs = INT64_MAX};
    query([&](std::ostream& out) { analyze::cmdTimeline(db, filter, format, out); });
    query([&](std::ostream& out) { analyze::cmdExits(db, {.pid = pid}, format, out); });
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string& path = sigrec::fuzz::inputPath(data, size);
  std::unique_ptr<Db> db;
  try {
    std::ostringstream notes;
    db = analyze::openSources({path}, notes);
  } catch (const sigrec::capture::CaptureError&) {
    return 0;  // not a capture (or a newer major version): refused, as designed
  } catch (const analyze::UserError&) {
    return 0;  // e.g. "neither a sigrec capture nor a sigan database"
  } catch (const analyze::DbError&) {
    return 0;  // the import refused the data with a message, database unchanged
  }
  // From here on the capture was accepted: a DbError from a query would be a
  // bug (the importer wrote something the queries cannot read), so it is not
  // caught and libFuzzer reports it.
  constexpr Format kFormats[] = {Format::kTable, Format::kJson, Format::kCsv};
  runQueries(*db, kFormats[size % 3]);
  return 0;
}
