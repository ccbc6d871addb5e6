#include "analyze/store/db_schema.h"

#include <fmt/format.h>

#include <charconv>
#include <string>

#include "analyze/attribution/sender.h"
#include "analyze/store/schema_check.h"
#include "analyze/store/tables.h"
#include "base/visible_text.h"

namespace sigrec::analyze {
namespace {

// Boot-clock ns to RFC 3339 text inside SQL, for the views.
#define WALL(expr)                        \
  "(strftime('%Y-%m-%dT%H:%M:%S', (" expr \
  ") / 1000000000, 'unixepoch') || "      \
  "printf('.%09dZ', (" expr ") % 1000000000))"

const std::string kViews = std::string(R"sql(
CREATE VIEW IF NOT EXISTS v_processes AS
SELECT p.id, c.hostname, p.capture_id, p.pid, p.ppid, p.comm, p.exe, p.cmdline, p.uid,
  )sql") + WALL("p.start_ns + c.boot_to_wall_ns") +
                           R"sql( AS start_time,
  CASE WHEN p.exit_ns IS NULL THEN NULL ELSE )sql" +
                           WALL("p.exit_ns + c.boot_to_wall_ns") + R"sql( END AS exit_time,
  (p.exit_ns - p.start_ns) / 1e9 AS lifetime_s, p.parent_id
FROM processes p JOIN captures c ON c.id = p.capture_id;
CREATE VIEW IF NOT EXISTS v_signals AS
SELECT s.id, c.hostname, s.capture_id, )sql" +
                           WALL("s.time_ns + c.boot_to_wall_ns") +
                           R"sql( AS time,
  s.signo, s.signal_name, s.code_name, s.origin,
  s.sender_pid, s.sender_comm, sp.cmdline AS sender_cmdline,
  s.target_pid, s.target_tid, s.target_comm, tp.cmdline AS target_cmdline,
  s.result_name, s.disposition, s.kill_call_id, s.sender_id, s.target_id,
  s.cause, s.cause_pid, s.cause_tid, s.cause_detail, s.forged_siginfo
FROM signals s JOIN captures c ON c.id = s.capture_id
  LEFT JOIN processes sp ON sp.id = s.sender_id LEFT JOIN processes tp ON tp.id = s.target_id;
CREATE VIEW IF NOT EXISTS v_exits AS
SELECT e.id, c.hostname, e.capture_id, e.pid, p.ppid, e.comm, p.cmdline,
  )sql" + WALL("p.start_ns + c.boot_to_wall_ns") +
                           R"sql( AS start_time, )sql" + WALL("e.time_ns + c.boot_to_wall_ns") +
                           R"sql( AS exit_time,
  (e.time_ns - p.start_ns) / 1e9 AS lifetime_s, e.reason, e.exit_status, e.signo,
  e.signal_name, e.core_dumped, s.origin, s.code_name,
  )sql" + senderColumn("s", "sender_pid") +
                           R"sql( AS killer_pid,
  )sql" + senderColumn("s", "sender_comm") +
                           R"sql( AS killer_comm,
  kp.cmdline AS killer_cmdline, e.process_id, e.signal_id, e.oom_id,
  s.cause, s.cause_pid, s.cause_detail, p.cgroup, p.unit, p.slice, p.container_id, p.pod_uid
FROM exits e JOIN captures c ON c.id = e.capture_id
  LEFT JOIN processes p ON p.id = e.process_id LEFT JOIN signals s ON s.id = e.signal_id
  LEFT JOIN processes kp ON kp.id = s.sender_id AND )sql" +
                           sentBySyscall("s") + R"sql(;
CREATE VIEW IF NOT EXISTS v_failed_kills AS
SELECT k.id, c.hostname, k.capture_id, )sql" +
                           WALL("k.time_ns + c.boot_to_wall_ns") + R"sql( AS time,
  k.syscall, k.caller_pid, k.caller_comm, p.cmdline AS caller_cmdline,
  k.arg0, k.arg1, k.arg2, k.arg3, k.signal_name, k.target_pid, k.ret, k.errno_name
FROM kill_calls k JOIN captures c ON c.id = k.capture_id LEFT JOIN processes p ON p.id = k.caller_id
WHERE k.ret < 0;
)sql";

constexpr const char* kIndexes = R"sql(
-- Built after the load (a few seconds on 10 M events, ~40 % less than
-- maintaining them during it). Each serves a query or a link of the import:
-- who-killed: signals by target instance, failed calls by target, exits;
-- exits --pid and the import's exit -> signal link; timeline --pid: every
-- pid column its filters name (SQLite ORs two indexes). Each index on a
-- table of millions of rows is a sort of the whole table at import, so the
-- kill-call ones the timeline uses cover only the calls it shows (failed or
-- sending nothing: a small part), signals are found by target through their
-- target instance (signals_target), and deliveries have no index on
-- signal_id (signals.delivery_id is the link the other way).
CREATE INDEX IF NOT EXISTS processes_pid ON processes(pid, capture_id);
CREATE INDEX IF NOT EXISTS processes_parent ON processes(parent_id);
CREATE INDEX IF NOT EXISTS signals_target ON signals(target_id, signo, time_ns);
CREATE INDEX IF NOT EXISTS signals_sender_pid ON signals(sender_pid);
CREATE INDEX IF NOT EXISTS kill_calls_shown_target ON kill_calls(target_host_pid)
  WHERE ret < 0 OR signals = 0 OR returned = 0;
CREATE INDEX IF NOT EXISTS kill_calls_shown_caller ON kill_calls(caller_pid)
  WHERE ret < 0 OR signals = 0 OR returned = 0;
CREATE INDEX IF NOT EXISTS kill_calls_failed ON kill_calls(target_id) WHERE ret < 0;
CREATE INDEX IF NOT EXISTS deliveries_pid ON deliveries(pid);
CREATE INDEX IF NOT EXISTS execs_process ON execs(process_id, time_ns);
CREATE INDEX IF NOT EXISTS execs_pid ON execs(pid);
CREATE INDEX IF NOT EXISTS exits_process ON exits(process_id);
CREATE INDEX IF NOT EXISTS exits_pid ON exits(pid);
CREATE INDEX IF NOT EXISTS forks_child ON forks(child_id);
CREATE INDEX IF NOT EXISTS forks_parent_pid ON forks(parent_pid);
CREATE INDEX IF NOT EXISTS forks_child_pid ON forks(child_pid);
CREATE INDEX IF NOT EXISTS oom_victim ON oom_kills(victim_id);
)sql";

bool hasTable(const Db& db, const char* name) {
  auto stmt = db.prepare("SELECT 1 FROM sqlite_schema WHERE type='table' AND name=?");
  stmt.bind(1, name);
  return stmt.step();
}

}  // namespace

void applyImportPragmas(Db& db) {
  // The import is one transaction that either commits or rolls back:
  // - the rollback journal is SQLite's default, a file beside the
  //   database (DB-journal): an import that fails, is interrupted or is
  //   killed (SIGKILL) leaves the database as it was, and the next
  //   connection that writes rolls the journal back. A journal in memory
  //   would be faster only for imports into a large existing database
  //   (a new one has no pages to save) and would leave a killed import's
  //   file half-written.
  // - synchronous=OFF: no fsync. A killed process loses none of its
  //   writes (the OS has them, in order); only a power loss or a kernel
  //   crash during an import can leave the file damaged.
  // - page_size only applies to a new, empty database.
  // - cache_size 32 MiB: the load only appends, and CREATE INDEX sorts in
  //   runs of the cache's size: runs that fit the CPU caches better, merged,
  //   build an index of millions of rows in half the time one run of 256 MiB
  //   took (and the process stays smaller).
  db.exec(
      "PRAGMA page_size=16384; PRAGMA synchronous=OFF;"
      " PRAGMA temp_store=MEMORY; PRAGMA cache_size=-32768; PRAGMA foreign_keys=OFF;");
}

void applyQueryOnlyPragmas(Db& db) {
  db.exec("PRAGMA query_only=1");
}

namespace {

int schemaVersion(const Db& db) {
  verifyFileSize(db);
  if (!hasTable(db, "sigan_meta") || !hasTable(db, "captures"))
    throw DbError("not a sigan database (no captures table)");
  auto stmt = db.prepare("SELECT value FROM sigan_meta WHERE key='schema_version'");
  std::string text = stmt.step() ? stmt.getText(0) : "";
  int version = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), version);
  if (ec != std::errc() || end != text.data() + text.size() || version < 1)
    throw DbError("not a sigan database (schema_version '" + names::visibleText(text) + "')");
  if (version > kSchemaVersion)
    throw DbError("database schema version " + std::to_string(version) +
                  " is newer than this sigan reads (" + std::to_string(kSchemaVersion) + ")");
  return version;
}

// Data fixes after the columns a version added exist (store::Column::since).
// Version 2: rows of version 1 were all resolved against host pids, so their
// host columns are the numbers passed; whether they returned is unknown.
constexpr const char* kUpgradeTo2 = R"sql(
UPDATE kill_calls SET target_host_pid = target_pid, target_host_tid = target_tid;
)sql";

// Version 4: captures of earlier versions name no command process, so every
// process is in their (unscoped) answers.
constexpr const char* kUpgradeTo4 = R"sql(
UPDATE processes SET in_scope = 1;
)sql";

// Views and indexes are made anew (ensureSchema, ensureIndexes): they hold
// no data, and an older sigan's may differ from this one's.
void upgrade(Db& db, int from) {
  verifyOlderSchemaObjects(db, from);
  dropOldViewsAndIndexes(db);
  for (const store::Table& t : store::tables())
    for (const store::Column& c : t.columns)
      if (c.since > from)
        db.exec(fmt::format("ALTER TABLE {} ADD COLUMN {} {}", t.name, c.name, c.type));
  if (from < 2) db.exec(kUpgradeTo2);
  if (from < 4) db.exec(kUpgradeTo4);
  db.exec("UPDATE sigan_meta SET value = '" + std::to_string(kSchemaVersion) +
          "' WHERE key = 'schema_version'");
}

}  // namespace

void checkSchema(const Db& db) {
  int version = schemaVersion(db);
  if (version < kSchemaVersion)
    throw DbError("database schema version " + std::to_string(version) +
                  " is older than this sigan reads (" + std::to_string(kSchemaVersion) +
                  "): import a capture into it again (sigan import -o DB CAPTURE) to upgrade it");
  verifySchemaObjects(db);
}

void ensureSchema(Db& db) {
  bool empty = db.scalar("SELECT COUNT(*) FROM sqlite_schema").value_or(0) == 0;
  if (!empty) {
    int version = schemaVersion(db);
    if (version < kSchemaVersion)
      upgrade(db, version);
    else
      verifySchemaObjects(db);
  }
  for (const store::Table& t : store::tables()) db.exec(store::createSql(t));
  db.exec(kViews);
  db.exec("INSERT OR IGNORE INTO sigan_meta VALUES ('schema_version', '" +
          std::to_string(kSchemaVersion) + "')");
}

void ensureIndexes(Db& db) {
  db.exec(kIndexes);
}

}  // namespace sigrec::analyze
