#include "analyze/db_schema.h"

#include <string>

namespace sigrec::analyze {
namespace {

// Boot-clock ns to RFC 3339 text inside SQL, for the views.
#define WALL(expr)                        \
  "(strftime('%Y-%m-%dT%H:%M:%S', (" expr \
  ") / 1000000000, 'unixepoch') || "      \
  "printf('.%09dZ', (" expr ") % 1000000000))"

constexpr const char* kTables = R"sql(
CREATE TABLE IF NOT EXISTS captures (
  id INTEGER PRIMARY KEY,
  capture_key TEXT NOT NULL UNIQUE,
  path TEXT, file_size INTEGER, format_version TEXT,
  hostname TEXT, kernel_release TEXT, kernel_version TEXT, machine TEXT, boot_id TEXT,
  boot_to_wall_ns INTEGER NOT NULL DEFAULT 0,
  recorder_version TEXT, recorder_args TEXT, command TEXT,
  start_ns INTEGER, end_ns INTEGER, clock_ticks_per_second INTEGER,
  signal_mask INTEGER, filter_pid INTEGER, filter_cgroup_id INTEGER, threads INTEGER,
  ring_buffer_bytes INTEGER, file_sequence INTEGER,
  snapshot_ns INTEGER, snapshot_processes INTEGER, snapshot_unreadable INTEGER,
  trailer INTEGER NOT NULL DEFAULT 0, stop_reason TEXT, command_exit_status INTEGER,
  trailer_events INTEGER, trailer_lost INTEGER, user_dropped INTEGER,
  events INTEGER, lost INTEGER, damaged_bytes INTEGER, imported_at TEXT);
CREATE TABLE IF NOT EXISTS processes (
  id INTEGER PRIMARY KEY, capture_id INTEGER NOT NULL,
  pid INTEGER NOT NULL, start_ns INTEGER, start_exact INTEGER,
  ppid INTEGER, parent_id INTEGER,
  comm TEXT, exe TEXT, cmdline TEXT, uid INTEGER, cgroup TEXT, cgroup_id INTEGER,
  ns_pid INTEGER, pid_ns INTEGER,
  in_snapshot INTEGER, fork_ns INTEGER, exec_count INTEGER, exit_ns INTEGER,
  first_seen_ns INTEGER, last_seen_ns INTEGER);
CREATE TABLE IF NOT EXISTS signals (
  id INTEGER PRIMARY KEY, capture_id INTEGER NOT NULL, time_ns INTEGER NOT NULL, cpu INTEGER,
  signo INTEGER, signal_name TEXT, code INTEGER, code_name TEXT, origin TEXT,
  sender_id INTEGER, sender_pid INTEGER, sender_tid INTEGER, sender_comm TEXT, sender_uid INTEGER,
  target_id INTEGER, target_pid INTEGER, target_tid INTEGER, target_comm TEXT,
  target_cgroup_id INTEGER, group_directed INTEGER, result INTEGER, result_name TEXT,
  call_enter_ns INTEGER, kill_call_id INTEGER,
  info_kind TEXT, info_pid INTEGER, info_uid INTEGER, info_status INTEGER, info_addr INTEGER,
  delivery_id INTEGER, delivered_ns INTEGER, disposition TEXT);
CREATE TABLE IF NOT EXISTS deliveries (
  id INTEGER PRIMARY KEY, capture_id INTEGER NOT NULL, time_ns INTEGER NOT NULL, cpu INTEGER,
  process_id INTEGER, pid INTEGER, tid INTEGER, comm TEXT,
  signo INTEGER, signal_name TEXT, code INTEGER, code_name TEXT,
  disposition TEXT, sa_flags INTEGER, info_kind TEXT, signal_id INTEGER);
CREATE TABLE IF NOT EXISTS kill_calls (
  id INTEGER PRIMARY KEY, capture_id INTEGER NOT NULL, time_ns INTEGER NOT NULL,
  enter_ns INTEGER, cpu INTEGER, syscall TEXT,
  caller_id INTEGER, caller_pid INTEGER, caller_tid INTEGER, caller_comm TEXT, caller_uid INTEGER,
  arg0 INTEGER, arg1 INTEGER, arg2 INTEGER, arg3 INTEGER,
  signo INTEGER, signal_name TEXT, target_pid INTEGER, target_tid INTEGER, target_id INTEGER,
  ret INTEGER, errno_name TEXT, signals INTEGER,
  target_host_pid INTEGER, target_host_tid INTEGER, returned INTEGER);
CREATE TABLE IF NOT EXISTS forks (
  id INTEGER PRIMARY KEY, capture_id INTEGER NOT NULL, time_ns INTEGER NOT NULL, cpu INTEGER,
  parent_id INTEGER, parent_pid INTEGER, parent_tid INTEGER, parent_comm TEXT,
  child_id INTEGER, child_pid INTEGER, child_tid INTEGER, child_start_ns INTEGER,
  thread INTEGER, child_ns_pid INTEGER, child_ns_tid INTEGER, pid_ns INTEGER,
  child_cgroup_id INTEGER);
CREATE TABLE IF NOT EXISTS execs (
  id INTEGER PRIMARY KEY, capture_id INTEGER NOT NULL, time_ns INTEGER NOT NULL, cpu INTEGER,
  process_id INTEGER, pid INTEGER, tid INTEGER, old_tid INTEGER, uid INTEGER, comm TEXT,
  filename TEXT, cmdline TEXT, argv TEXT,
  args_truncated INTEGER, filename_truncated INTEGER, args_unreadable INTEGER, cgroup_id INTEGER);
CREATE TABLE IF NOT EXISTS exits (
  id INTEGER PRIMARY KEY, capture_id INTEGER NOT NULL, time_ns INTEGER NOT NULL, cpu INTEGER,
  process_id INTEGER, pid INTEGER, tid INTEGER, comm TEXT,
  exit_code INTEGER, reason TEXT, exit_status INTEGER, signo INTEGER, signal_name TEXT,
  core_dumped INTEGER, signal_id INTEGER, oom_id INTEGER,
  parent_pid INTEGER, parent_id INTEGER);
CREATE TABLE IF NOT EXISTS thread_exits (
  id INTEGER PRIMARY KEY, capture_id INTEGER NOT NULL, time_ns INTEGER NOT NULL, cpu INTEGER,
  process_id INTEGER, pid INTEGER, tid INTEGER, comm TEXT, exit_code INTEGER);
CREATE TABLE IF NOT EXISTS oom_kills (
  id INTEGER PRIMARY KEY, capture_id INTEGER NOT NULL, time_ns INTEGER NOT NULL, cpu INTEGER,
  victim_pid INTEGER, victim_id INTEGER, victim_uid INTEGER,
  trigger_id INTEGER, trigger_pid INTEGER, trigger_tid INTEGER, trigger_comm TEXT,
  total_vm_kb INTEGER, anon_rss_kb INTEGER, file_rss_kb INTEGER, shmem_rss_kb INTEGER,
  pgtables_kb INTEGER, oom_score_adj INTEGER);
CREATE TABLE IF NOT EXISTS losses (
  id INTEGER PRIMARY KEY, capture_id INTEGER NOT NULL,
  cpu INTEGER, probe TEXT, count INTEGER, from_ns INTEGER, to_ns INTEGER);
CREATE TABLE IF NOT EXISTS probe_counters (
  id INTEGER PRIMARY KEY, capture_id INTEGER NOT NULL,
  probe TEXT, cpu INTEGER, emitted INTEGER, lost INTEGER);
CREATE TABLE IF NOT EXISTS damage (
  id INTEGER PRIMARY KEY, capture_id INTEGER NOT NULL,
  offset INTEGER, bytes INTEGER, what TEXT, truncation INTEGER);
CREATE TABLE IF NOT EXISTS sigan_meta (key TEXT PRIMARY KEY, value TEXT);
)sql";

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
  s.result_name, s.disposition, s.kill_call_id, s.sender_id, s.target_id
FROM signals s JOIN captures c ON c.id = s.capture_id
  LEFT JOIN processes sp ON sp.id = s.sender_id LEFT JOIN processes tp ON tp.id = s.target_id;
CREATE VIEW IF NOT EXISTS v_exits AS
SELECT e.id, c.hostname, e.capture_id, e.pid, p.ppid, e.comm, p.cmdline,
  )sql" + WALL("p.start_ns + c.boot_to_wall_ns") +
                           R"sql( AS start_time, )sql" + WALL("e.time_ns + c.boot_to_wall_ns") +
                           R"sql( AS exit_time,
  (e.time_ns - p.start_ns) / 1e9 AS lifetime_s, e.reason, e.exit_status, e.signo,
  e.signal_name, e.core_dumped, s.origin, s.code_name,
  CASE WHEN s.origin = 'kernel' THEN NULL ELSE s.sender_pid END AS killer_pid,
  CASE WHEN s.origin = 'kernel' THEN NULL ELSE s.sender_comm END AS killer_comm,
  kp.cmdline AS killer_cmdline, e.process_id, e.signal_id, e.oom_id
FROM exits e JOIN captures c ON c.id = e.capture_id
  LEFT JOIN processes p ON p.id = e.process_id LEFT JOIN signals s ON s.id = e.signal_id
  LEFT JOIN processes kp ON kp.id = s.sender_id AND s.origin <> 'kernel';
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
CREATE INDEX IF NOT EXISTS kill_calls_unsent_host_target ON kill_calls(target_host_pid)
  WHERE ret < 0 OR signals = 0;
CREATE INDEX IF NOT EXISTS kill_calls_unsent_caller ON kill_calls(caller_pid)
  WHERE ret < 0 OR signals = 0;
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
  auto stmt = db.prepare("SELECT 1 FROM sqlite_master WHERE type='table' AND name=?");
  stmt.bind(1, name);
  return stmt.step();
}

}  // namespace

void applyImportPragmas(Db& db) {
  // The import is one transaction that either commits or rolls back, and a
  // database being written by sigan is not in use by anyone else:
  // - journal_mode=MEMORY: the rollback journal stays in memory, so ROLLBACK
  //   (an error mid-import) still works; a crash or power loss during an
  //   import can damage the file, like any half-written output file.
  // - synchronous=OFF: no fsync; the OS writes the pages back.
  // - page_size only applies to a new, empty database.
  // - cache_size 32 MiB: the load only appends, and CREATE INDEX sorts in
  //   runs of the cache's size: runs that fit the CPU caches better, merged,
  //   build an index of millions of rows in half the time one run of 256 MiB
  //   took (and the process stays smaller).
  db.exec(
      "PRAGMA page_size=16384; PRAGMA journal_mode=MEMORY; PRAGMA synchronous=OFF;"
      " PRAGMA temp_store=MEMORY; PRAGMA cache_size=-32768; PRAGMA foreign_keys=OFF;");
}

void applyQueryOnlyPragmas(Db& db) {
  db.exec("PRAGMA query_only=1");
}

namespace {

int schemaVersion(const Db& db) {
  if (!hasTable(db, "sigan_meta") || !hasTable(db, "captures"))
    throw DbError("not a sigan database (no captures table)");
  auto stmt = db.prepare("SELECT value FROM sigan_meta WHERE key='schema_version'");
  int version = stmt.step() ? std::stoi(stmt.getText(0)) : 0;
  if (version > kSchemaVersion)
    throw DbError("database schema version " + std::to_string(version) +
                  " is newer than this sigan reads (" + std::to_string(kSchemaVersion) + ")");
  return version;
}

// Version 2: kill-call targets in the caller's pid namespace, and calls that
// never returned. Rows of version 1 were all resolved against host pids, so
// their host columns are the numbers passed; whether they returned is unknown.
constexpr const char* kUpgradeTo2 = R"sql(
ALTER TABLE kill_calls ADD COLUMN target_host_pid INTEGER;
ALTER TABLE kill_calls ADD COLUMN target_host_tid INTEGER;
ALTER TABLE kill_calls ADD COLUMN returned INTEGER;
UPDATE kill_calls SET target_host_pid = target_pid, target_host_tid = target_tid;
DROP INDEX IF EXISTS kill_calls_unsent_target;
UPDATE sigan_meta SET value = '2' WHERE key = 'schema_version';
)sql";

}  // namespace

void checkSchema(const Db& db) {
  int version = schemaVersion(db);
  if (version < kSchemaVersion)
    throw DbError("database schema version " + std::to_string(version) +
                  " is older than this sigan reads (" + std::to_string(kSchemaVersion) +
                  "): import a capture into it again (sigan import -o DB CAPTURE) to upgrade it");
}

void ensureSchema(Db& db) {
  bool empty = db.scalar("SELECT COUNT(*) FROM sqlite_master").value_or(0) == 0;
  if (!empty && schemaVersion(db) < 2) db.exec(kUpgradeTo2);
  db.exec(kTables);
  db.exec(kViews);
  db.exec("INSERT OR IGNORE INTO sigan_meta VALUES ('schema_version', '" +
          std::to_string(kSchemaVersion) + "')");
}

void ensureIndexes(Db& db) {
  db.exec(kIndexes);
}

}  // namespace sigrec::analyze
