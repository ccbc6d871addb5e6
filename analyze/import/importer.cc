#include "analyze/import/importer.h"

#include <capnp/any.h>
#include <fmt/format.h>
#include <kj/exception.h>

#include <algorithm>
#include <memory>
#include <optional>
#include <unordered_set>

#include "analyze/attribution/alive_at.h"
#include "analyze/attribution/cgroup_context.h"
#include "analyze/attribution/command_scope.h"
#include "analyze/attribution/exit_links.h"
#include "analyze/store/db_schema.h"
#include "analyze/import/frame_prefetcher.h"
#include "analyze/import/capture_registry.h"
#include "analyze/import/kill_calls.h"
#include "analyze/import/signal_events.h"
#include "analyze/import/process_events.h"
#include "schema/capture_error.h"
#include "analyze/import/signal_tracker.h"
#include "analyze/import/import_names.h"
#include "analyze/import/process_resolver.h"
#include "analyze/store/row_writer.h"
#include "analyze/store/tables.h"
#include "base/names.h"

namespace sigrec::analyze {
namespace {

using names::probeName;
using schema::Event;

// Writers never store empty records, but a hostile list of empty structs
// takes no bytes and one traversal word per element: a 200-byte frame would
// import as millions of rows (found by import_fuzz). Such a frame is damage. All the
// elements of a list have the first one's size.
template <typename List>
void requireNonEmptyRecords(List list) {
  if (list.size() == 0) return;
  capnp::AnyStruct::Reader first = list[0];
  KJ_REQUIRE(first.getDataSection().size() + first.getPointerSection().size() > 0,
             "list of empty records", list.size());
}

class Importer {
 public:
  Importer(Db& db, const std::filesystem::path& path, const ImportProgress& progress,
           const ImportFocus& focus)
      : db_(db), path_(path), reader_(path), progress_(progress) {
    if (focus.whoKilledPid) focus_.emplace(*focus.whoKilledPid);
  }

  ImportResult run();

 private:
  void beginCapture(std::optional<capture::Frame>& first);
  void snapshot(schema::ProcessSnapshot::Reader snap);
  void batch(schema::EventBatch::Reader batch);
  void event(Event::Reader ev);
  void passOver(Event::Reader ev, uint64_t t);
  // One per event kind. T: the event time; CAP: the capture's id.
  void trailer(schema::Trailer::Reader t);
  void finish();
  void prepareStatements();
  void readFrames(std::optional<capture::Frame> first);
  void writeProcesses();
  uint64_t writeDamage();
  ProcessInstance& actor(Event::Reader ev);
  ProcessInstance& keptActor(Event::Reader ev);  // of an event with a row

  Db& db_;
  std::filesystem::path path_;
  capture::CaptureReader reader_;
  const ImportProgress& progress_;
  ImportResult result_;
  std::unique_ptr<ProcessResolver> procs_;
  std::vector<capture::Damage> decodeDamage_;
  uint64_t lastEventNs_ = 0;
  uint64_t snapshotNs_ = 0;
  uint64_t lossCount_ = 0;

  NameCache names_;

  // Ids handed out here, as SQLite would (max + 1), so that rows can name
  // each other before the writer thread has inserted them.
  int64_t nextSignalId_ = 1;
  int64_t nextDeliveryId_ = 1;
  bool killCallReturnsSeen_ = true;
  int64_t nextKillId_ = 1;     // the first; KillCalls hands out the rest
  RowWriter* rows_ = nullptr;  // lives in run()
  QueuedStatement* insLoss_ = nullptr;
  std::optional<SignalEvents> signalEvents_;  // signals and deliveries
  std::optional<KillCalls> killCalls_;
  std::optional<ProcessEvents> processEvents_;  // forks, execs, exits, OOM kills
  std::optional<WhoKilledFocus> focus_;         // none: the full import
};

// One statement per table, reused for every row, bound by column name.
void Importer::prepareStatements() {
  insLoss_ = &rows_->prepare(store::insertSql("losses"));
  processEvents_.emplace(*rows_, *procs_, names_, result_.captureId, focus_ ? &*focus_ : nullptr);
  signalEvents_.emplace(*rows_, *procs_, names_, result_.captureId, nextSignalId_, nextDeliveryId_);
  killCalls_.emplace(*rows_, *procs_, names_, signalEvents_->tracker(), result_.captureId,
                     nextKillId_, killCallReturnsSeen_);
}

ImportResult Importer::run() {
  std::optional<capture::Frame> first = reader_.next();
  Transaction tx(db_);
  beginCapture(first);
  if (result_.skipped) return result_;
  // Declared after tx: its thread stops before a rollback touches the db.
  RowWriter rows(db_);
  rows_ = &rows;

  prepareStatements();

  readFrames(std::move(first));
  finish();
  tx.commit();
  return result_;
}

void Importer::readFrames(std::optional<capture::Frame> first) {
  // Two frames ahead: enough to keep the reader busy while a batch is
  // imported, and a bounded amount of memory (each is one unpacked batch).
  FramePrefetcher frames(reader_, 2);
  for (std::optional<capture::Frame> frame = std::move(first); frame; frame = frames.next()) {
    if (progress_) progress_(frame->offset(), reader_.fileSize(), result_.events);
    // A frame that passed the checksum can still hold records this code
    // cannot use (hostile or buggy writer): keep what came before, say so.
    try {
      switch (frame->type()) {
        case capture::FrameType::kInfo:
          break;  // only the first one counts
        case capture::FrameType::kSnapshot:
          snapshot(frame->root<schema::ProcessSnapshot>());
          break;
        case capture::FrameType::kEvents:
          batch(frame->root<schema::EventBatch>());
          break;
        case capture::FrameType::kTrailer:
          trailer(frame->root<schema::Trailer>());
          break;
      }
    } catch (const kj::Exception& e) {
      decodeDamage_.push_back({frame->offset(), 0,
                               std::string("undecodable frame: ") + e.getDescription().cStr(),
                               false});
    }
  }
}

void Importer::beginCapture(std::optional<capture::Frame>& first) {
  ensureSchema(db_);
  std::optional<schema::CaptureInfo::Reader> info;
  try {
    if (first && first->type() == capture::FrameType::kInfo)
      info = first->root<schema::CaptureInfo>();
  } catch (const kj::Exception& e) {
    decodeDamage_.push_back({first->offset(), 0,
                             std::string("undecodable capture info: ") + e.getDescription().cStr(),
                             false});
  }
  uint64_t fileSize = reader_.fileSize();
  // A file cut before its first whole frame has no host, clock or start:
  // every answer would be empty fields and the 1970 epoch. (A file whose
  // first frame is something else is read as damaged instead.)
  if (!first)
    throw capture::CaptureError(fmt::format(
        "{}: no capture header in its {} bytes (cut off or damaged before sigrec wrote its "
        "first frame): nothing to answer from",
        path_.string(), fileSize));
  result_.key = captureKey(info, path_);
  CaptureClaim claim = claimCapture(db_, result_.key, fileSize);
  if (claim.skipped) {
    result_.skipped = true;
    result_.captureId = claim.existingId;
    return;
  }
  result_.replaced = claim.replaced;
  result_.captureId =
      insertCapture(db_,
                    {result_.key, path_.string(),
                     fmt::format("{}.{}", reader_.formatMajor(), reader_.formatMinor()), fileSize},
                    info);
  killCallReturnsSeen_ = KillCalls::returnsSeen(info);
  uint64_t tickNs = 10'000'000;
  if (info && info->getClockTicksPerSecond() > 0)
    tickNs = 1'000'000'000ull / info->getClockTicksPerSecond();
  procs_ = std::make_unique<ProcessResolver>(
      db_.scalar("SELECT COALESCE(MAX(id), 0) + 1 FROM processes").value_or(1), tickNs);
  // The ids SQLite would give (max + 1), handed out here so that a row held
  // in the window can be named (deliveries.signal_id) before it is written,
  // and rows queued for the writer thread can be linked.
  nextSignalId_ = db_.scalar("SELECT COALESCE(MAX(id), 0) + 1 FROM signals").value_or(1);
  nextDeliveryId_ = db_.scalar("SELECT COALESCE(MAX(id), 0) + 1 FROM deliveries").value_or(1);
  nextKillId_ = db_.scalar("SELECT COALESCE(MAX(id), 0) + 1 FROM kill_calls").value_or(1);
}

void Importer::snapshot(schema::ProcessSnapshot::Reader snap) {
  requireNonEmptyRecords(snap.getProcesses());
  rows_->flush();  // the db is used directly below
  snapshotNs_ = snap.getTakenBootNs();
  auto upd = db_.prepare(
      "UPDATE captures SET snapshot_ns = :snapshot_ns, snapshot_processes = :snapshot_processes,"
      " snapshot_unreadable = :snapshot_unreadable WHERE id = :id");
  upd.bind("snapshot_ns"_col, snapshotNs_)
      .bind("snapshot_processes"_col, snap.getProcesses().size())
      .bind("snapshot_unreadable"_col, snap.getUnreadable())
      .bind("id"_col, result_.captureId)
      .run();
  for (auto proc : snap.getProcesses()) {
    ProcessInstance& p = procs_->addSnapshot(proc.getPid(), proc.getStartNs());
    p.inSnapshot = true;
    if (!p.ppid && proc.getPpid() != 0) p.ppid = proc.getPpid();
    if (p.comm.empty()) p.comm = proc.getComm().cStr();
    if (p.execCount == 0) {
      p.exe = proc.getExe().cStr();
      p.cmdline = joinArgs(proc.getCmdline());
      p.cmdlineTruncated = proc.getCmdlineTruncated();
    }
    if (!p.uid) p.uid = proc.getUid();
    p.cgroup = proc.getCgroup().cStr();
    procs_->setNamespace(p, proc.getPidNs(), proc.getNsPid(), false);
    p.seen(snapshotNs_);
  }
}

void Importer::batch(schema::EventBatch::Reader batch) {
  requireNonEmptyRecords(batch.getEvents());
  requireNonEmptyRecords(batch.getLosses());
  for (auto ev : batch.getEvents()) event(ev);
  for (auto loss : batch.getLosses()) {
    lossCount_ += loss.getCount();
    insLoss_->bind("capture_id"_col, result_.captureId)
        .bind("cpu"_col, loss.getCpu())
        .bind("probe"_col, probeName(loss.getProbe()))
        .bind("count"_col, loss.getCount())
        .bind("from_ns"_col, loss.getFromNs())
        .bind("to_ns"_col, loss.getToNs())
        .run();
  }
}

ProcessInstance& Importer::actor(Event::Reader ev) {
  ProcessInstance& p = procs_->byStart(ev.getPid(), ev.getStartNs());
  uint64_t t = ev.getTimeNs();
  p.seen(t);
  // comm is per thread; the leader's latest one names the process.
  if (p.comm.empty() || (ev.getTid() == ev.getPid() && t >= p.commNs)) {
    p.comm = ev.getComm().cStr();
    p.commNs = t;
  }
  if (!p.uid) p.uid = ev.getUid();
  return p;
}

void Importer::event(Event::Reader ev) {
  ++result_.events;
  const uint64_t t = ev.getTimeNs();
  lastEventNs_ = std::max(lastEventNs_, t);
  if (focus_ && !focus_->keeps(ev)) return passOver(ev, t);
  switch (ev.which()) {
    case Event::SIGNAL_GENERATE:
      return signalEvents_->generated(ev, keptActor(ev), t);
    case Event::SIGNAL_DELIVER:
      return signalEvents_->delivered(ev, keptActor(ev), t);
    case Event::KILL_CALL:
      return killCalls_->call(ev, keptActor(ev), t);
    case Event::FORK:
      return processEvents_->fork(ev, keptActor(ev), t);
    case Event::EXEC:
      return processEvents_->exec(ev, keptActor(ev), t);
    case Event::EXIT:
      return processEvents_->exit(ev, keptActor(ev), t);
    case Event::OOM_VICTIM:
      return processEvents_->oomVictim(ev, keptActor(ev), t);
  }
}

ProcessInstance& Importer::keptActor(Event::Reader ev) {
  ProcessInstance& p = actor(ev);
  if (focus_) focus_->kept(ev, p.id);
  return p;
}

// An event outside the focus: no row, but what it tells about its
// processes (comm, first and last seen, uid, the target's cgroup), as the
// full import learns it, so that every processes row is the same.
void Importer::passOver(Event::Reader ev, uint64_t t) {
  actor(ev);
  if (ev.which() == Event::SIGNAL_GENERATE) signalEvents_->passedOver(ev, t);
}

void Importer::trailer(schema::Trailer::Reader t) {
  requireNonEmptyRecords(t.getCounters());
  rows_->flush();  // the db is used directly below
  result_.trailer = true;
  auto upd = db_.prepare(
      "UPDATE captures SET trailer = 1, end_ns = :end_ns, stop_reason = :stop_reason,"
      " command_exit_status = :command_exit_status, trailer_events = :trailer_events,"
      " trailer_lost = :trailer_lost, user_dropped = :user_dropped,"
      " trailer_batches = :trailer_batches, command_pid = NULLIF(:command_pid, 0),"
      " command_start_ns = CASE WHEN :command_pid = 0 THEN NULL ELSE :command_start_ns END"
      " WHERE id = :id");
  upd.bind("end_ns"_col, t.getStopBootNs())
      .bind("stop_reason"_col, t.getStopReason().cStr())
      .bind("command_exit_status"_col, t.getCommandExitStatus())
      .bind("trailer_events"_col, t.getEvents())
      .bind("trailer_lost"_col, t.getLost())
      .bind("user_dropped"_col, t.getUserDropped())
      .bind("trailer_batches"_col, t.getBatches())
      .bind("command_pid"_col, t.getCommandPid())
      .bind("command_start_ns"_col, t.getCommandStartNs())
      .bind("id"_col, result_.captureId)
      .run();
  auto ins = db_.prepare(store::insertSql("probe_counters"));
  for (auto c : t.getCounters())
    ins.bind("capture_id"_col, result_.captureId)
        .bind("probe"_col, probeName(c.getProbe()))
        .bind("cpu"_col, c.getCpu())
        .bind("emitted"_col, c.getEmitted())
        .bind("lost"_col, c.getLost())
        .run();
}

void Importer::writeProcesses() {
  auto ins = db_.prepare(store::insertSql("processes"));
  std::optional<std::unordered_set<int64_t>> read;
  if (focus_) read = focus_->processesRead(*procs_);
  for (const ProcessInstance& p : procs_->all()) {
    if (read && read->count(p.id) == 0) continue;
    ins.bind("id"_col, p.id)
        .bind("capture_id"_col, result_.captureId)
        .bind("pid"_col, p.pid)
        .bind("start_ns"_col, p.startNs)
        .bind("start_exact"_col, p.startExact)
        .bind("ppid"_col, p.ppid)
        .bind("parent_id"_col, p.parentId)
        .bind("comm"_col, p.comm)
        .bind("exe"_col, p.exe)
        .bind("cmdline"_col, p.cmdline)
        .bind("uid"_col, p.uid)
        .bind("cgroup"_col, p.cgroup)
        .bind("cgroup_id"_col, p.cgroupId)
        .bind("ns_pid"_col, p.nsPid)
        .bind("pid_ns"_col, p.pidNs)
        .bind("in_snapshot"_col, p.inSnapshot)
        .bind("fork_ns"_col, p.forkNs)
        .bind("exec_count"_col, p.execCount)
        .bind("exit_ns"_col, p.exitNs);
    if (p.firstSeenNs != UINT64_MAX)
      ins.bind("first_seen_ns"_col, p.firstSeenNs).bind("last_seen_ns"_col, p.lastSeenNs);
    ins.bind("cmdline_truncated"_col, p.cmdlineTruncated);
    // Derived here, once per instance, from its latest path.
    const CgroupContext context = cgroupContext(p.cgroup);
    ins.bind("unit"_col, store::orNull(context.unit))
        .bind("slice"_col, store::orNull(context.slice))
        .bind("container_id"_col, store::orNull(context.containerId))
        .bind("pod_uid"_col, store::orNull(context.podUid));
    ins.run();
  }
}

uint64_t Importer::writeDamage() {
  result_.damage = reader_.damage();
  result_.damage.insert(result_.damage.end(), decodeDamage_.begin(), decodeDamage_.end());
  auto dmg = db_.prepare(store::insertSql("damage"));
  uint64_t damagedBytes = 0;
  for (const auto& d : result_.damage) {
    damagedBytes += d.bytes;
    dmg.bind("capture_id"_col, result_.captureId)
        .bind("offset"_col, d.offset)
        .bind("bytes"_col, d.bytes)
        .bind("what"_col, d.what)
        .bind("truncation"_col, d.truncation)
        .run();
  }
  return damagedBytes;
}

void Importer::finish() {
  const int64_t cap = result_.captureId;
  // A frame that failed to decode stops where the fields read failed, and
  // a focused import reads fewer fields: only the full import knows where.
  if (focus_ && (focus_->missedCall() || !decodeDamage_.empty()))
    throw FocusUnsure(path_.string() + ": the focused import may have passed over a needed row");
  signalEvents_->tracker().finish();
  rows_->flush();  // every row is in: the db is used directly from here on
  procs_->linkParents(snapshotNs_);
  writeProcesses();
  uint64_t damagedBytes = writeDamage();
  auto upd = db_.prepare(
      "UPDATE captures SET events = :events, lost = MAX(:lost, COALESCE(trailer_lost, 0)),"
      " damaged_bytes = :damaged_bytes, end_ns = COALESCE(end_ns, :end_ns) WHERE id = :id");
  upd.bind("events"_col, result_.events)
      .bind("lost"_col, lossCount_)
      .bind("damaged_bytes"_col, damagedBytes)
      .bind("end_ns"_col, std::max(lastEventNs_, snapshotNs_))
      .bind("id"_col, cap)
      .run();
  ensureIndexes(db_);
  // The call that generated a signal (same thread, same syscall entry) for
  // signals written before their kill call was seen: every call is known
  // now.
  auto link = db_.prepare("UPDATE signals SET kill_call_id = :kill_call_id WHERE id = :id");
  for (const auto& [signalId, killId] : signalEvents_->tracker().lateKillLinks())
    link.bind("kill_call_id"_col, killId).bind("id"_col, signalId).run();
  killCalls_->relinkTargets(db_);

  linkOomVictims(db_, *procs_, cap);
  linkExitCauses(db_, cap);
  markCommandScope(db_, cap);  // reads cause_pid (linkExitCauses does not change it)
  // Statistics for the query planner; sampled (analysis_limit), so that it
  // costs milliseconds, not a pass over every index.
  db_.exec("PRAGMA analysis_limit=1000; ANALYZE");
}

}  // namespace

ImportResult importCapture(Db& db, const std::filesystem::path& path,
                           const ImportProgress& progress, const ImportFocus& focus) {
  return Importer(db, path, progress, focus).run();
}

std::string describeImport(const std::filesystem::path& path, const ImportResult& r) {
  if (r.skipped)
    return fmt::format("{}: already imported (capture {})", path.string(), r.captureId);
  std::string text = fmt::format("{}: {} {} events as capture {}", path.string(),
                                 r.replaced ? "re-imported" : "imported", r.events, r.captureId);
  if (!r.trailer) text += "; trailer missing (recorder stopped abruptly, file may be incomplete)";
  for (const auto& d : r.damage)
    text += fmt::format("; {} at offset {} ({} bytes skipped)",
                        d.truncation ? "truncated" : "damaged: " + d.what, d.offset, d.bytes);
  return text;
}

}  // namespace sigrec::analyze
