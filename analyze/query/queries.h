// The query commands. Each reads the database, writes its answer to OUT in
// the requested format and returns the process exit status; user mistakes
// (unknown pid, bad time) throw UserError.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "analyze/query/context_filter.h"
#include "analyze/store/db.h"
#include "analyze/query/output.h"

namespace sigrec::analyze {

int cmdInfo(const Db& db, Format format, std::ostream& out);

// START: RFC 3339 start time picking one instance of a reused pid.
int cmdWhoKilled(const Db& db, uint32_t pid, const std::optional<std::string>& start, Format format,
                 std::ostream& out, const ContextFilter& context = {});

// who-killed by PID (the instances of a pid, as above) or by name: every
// instance whose comm is COMM and whose command line matches CMDLINE
// (who_killed_match.h), in CONTEXT; throws UserError if none does.
struct WhoKilledQuery {
  std::optional<uint32_t> pid;
  std::optional<std::string> start;
  std::optional<std::string> comm;
  std::optional<std::string> cmdline;
  ContextFilter context;
};
int cmdWhoKilled(const Db& db, const WhoKilledQuery& query, Format format, std::ostream& out);

struct TimelineFilter {
  std::optional<uint32_t> pid;
  std::optional<int> signal;
  std::optional<int64_t> sinceWallNs;
  std::optional<int64_t> untilWallNs;
  ContextFilter context;  // of the process an event is about (target, or actor)
};
int cmdTimeline(const Db& db, const TimelineFilter& filter, Format format, std::ostream& out);

struct ExitsFilter {
  bool failed = false;
  std::optional<uint32_t> pid;
  ContextFilter context;
};
int cmdExits(const Db& db, const ExitsFilter& filter, Format format, std::ostream& out);

// Ancestors are always shown (they are the context of PID); descendants
// outside SCOPE's command scope are counted in a note instead.
int cmdTree(const Db& db, uint32_t pid, const std::optional<std::string>& start, Format format,
            std::ostream& out, const ContextFilter& scope = {});

int cmdSql(const Db& db, const std::string& sql, Format format, std::ostream& out);

}  // namespace sigrec::analyze
