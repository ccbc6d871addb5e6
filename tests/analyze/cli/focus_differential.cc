#include "tests/analyze/cli/focus_differential.h"

#include <gtest/gtest.h>

#include <sstream>
#include <vector>

#include "tests/support/paths.h"
#include "tests/support/run_command.h"
#include "tests/support/temp_dir.h"

namespace sigrec::testing {
namespace {

std::string quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string sigan() {
  return quote(buildDir() + "/sigan");
}

// The numbers of a one-column `sigan sql --format csv` answer (header first).
std::vector<int64_t> numbers(const std::string& database, const std::string& query) {
  CommandResult r =
      runCommand(sigan() + " sql " + quote(query) + " " + quote(database) + " --format csv");
  EXPECT_EQ(r.status, 0) << query << ": " << r.err;
  std::vector<int64_t> out;
  std::istringstream lines(r.out);
  std::string line;
  std::getline(lines, line);  // the header
  while (std::getline(lines, line))
    if (!line.empty()) out.push_back(std::stoll(line));
  return out;
}

// STDERR without the lines about importing CAPTURE (describeImport), which
// a database source never prints.
std::string withoutImportNote(const std::string& stderrText, const std::string& capture) {
  const std::string prefix = "sigan: note: " + capture + ": ";
  std::istringstream lines(stderrText);
  std::string line, kept;
  while (std::getline(lines, line))
    if (line.rfind(prefix, 0) != 0) kept += line + "\n";
  return kept;
}

void expectSame(const CommandResult& focused, const CommandResult& full, const std::string& what,
                bool sameStderr) {
  EXPECT_EQ(focused.status, full.status) << what << "\n" << focused.err << "\n---\n" << full.err;
  EXPECT_EQ(focused.out, full.out) << what;
  if (sameStderr) {
    EXPECT_EQ(focused.err, full.err) << what;
  }
}

}  // namespace

std::set<int64_t> pidsWorthAsking(const std::string& database, const std::set<int64_t>& extra,
                                  size_t maxPids) {
  std::set<int64_t> pids(extra);
  pids.insert(4'000'001);  // no process has it
  for (const char* query : {
           "SELECT DISTINCT e.pid FROM exits e JOIN processes p ON p.id = e.process_id"
           " WHERE p.in_scope = 1",
           "SELECT DISTINCT s.target_pid FROM signals s JOIN processes p ON p.id = s.target_id"
           " WHERE p.in_scope = 1 UNION SELECT target_tid FROM signals s JOIN processes p"
           " ON p.id = s.target_id WHERE p.in_scope = 1",
           "SELECT DISTINCT pid FROM exits",
           "SELECT DISTINCT target_pid FROM signals UNION SELECT target_tid FROM signals",
           "SELECT DISTINCT COALESCE(target_host_pid, target_host_tid) AS n FROM kill_calls"
           " WHERE n IS NOT NULL",
           "SELECT pid FROM processes WHERE exit_ns IS NULL ORDER BY pid LIMIT 5",
       })
    for (int64_t pid : numbers(database, query))
      if (pids.size() < maxPids) pids.insert(pid);
  return pids;
}

size_t expectFocusInvisible(const std::string& capture, const std::set<int64_t>& extra,
                            size_t maxPids) {
  TempDir dir;
  const std::string db = dir.file("full.db");
  CommandResult imported = runCommand(sigan() + " import -o " + quote(db) + " " + quote(capture));
  EXPECT_EQ(imported.status, 0) << capture << ": " << imported.err;
  if (imported.status != 0) return 0;
  const std::set<int64_t> pids = pidsWorthAsking(db, extra, maxPids);
  const std::string cached = "SIGAN_CACHE_DIR=" + quote(dir.file("cache")) + " ";
  for (int64_t pid : pids) {
    for (const char* format : {"table", "json", "csv"}) {
      // SIGAN [ENV] who-killed PID --format FORMAT SOURCE
      auto command = [&](const std::string& env, const std::string& source) {
        return env + sigan() + " who-killed " + std::to_string(pid) + " --format " + format + " " +
               quote(source);
      };
      const std::string what = command("", capture);
      CommandResult focused = runCommand(command("unset SIGAN_CACHE_DIR; ", capture));
      CommandResult fromDb = runCommand(command("", db));
      CommandResult fromCache = runCommand(command(cached, capture));
      expectSame(focused, fromCache, what + " (full, through the cache)", true);
      expectSame(focused, fromDb, what + " (full, database)", false);
      EXPECT_EQ(withoutImportNote(focused.err, capture), fromDb.err) << what;
    }
  }
  return pids.size();
}

}  // namespace sigrec::testing
