#include "analyze/importer.h"

#include <capnp/any.h>
#include <fmt/format.h>
#include <kj/exception.h>

#include <algorithm>
#include <array>
#include <deque>
#include <memory>
#include <memory_resource>
#include <optional>
#include <unordered_map>

#include "analyze/attribution/kill_target.h"
#include "analyze/db_schema.h"
#include "analyze/frame_prefetcher.h"
#include "analyze/import_names.h"
#include "analyze/process_resolver.h"
#include "analyze/row_writer.h"
#include "schema/names.h"

namespace sigrec::analyze {
namespace {

using names::dispositionName;
using names::infoKindName;
using names::probeName;
using names::syscallName;
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
  Importer(Db& db, const std::filesystem::path& path) : db_(db), path_(path), reader_(path) {}

  ImportResult run();

 private:
  void beginCapture(std::optional<capture::Frame>& first);
  void snapshot(schema::ProcessSnapshot::Reader snap);
  void batch(schema::EventBatch::Reader batch);
  void event(Event::Reader ev);
  // One per event kind. T: the event time; CAP: the capture's id.
  void onGenerate(Event::Reader ev, uint64_t t);  // signals rows go through the window
  void onDeliver(Event::Reader ev, uint64_t t, int64_t cap);
  void onKillCall(Event::Reader ev, uint64_t t, int64_t cap);
  void onFork(Event::Reader ev, uint64_t t, int64_t cap);
  void onExec(Event::Reader ev, uint64_t t, int64_t cap);
  void onExit(Event::Reader ev, uint64_t t, int64_t cap);
  void onOomVictim(Event::Reader ev, uint64_t t, int64_t cap);
  void trailer(schema::Trailer::Reader t);
  void finish();
  void deleteCapture(int64_t id);
  void relinkKillTargets();
  ProcessInstance& actor(Event::Reader ev);

  Db& db_;
  std::filesystem::path path_;
  capture::CaptureReader reader_;
  ImportResult result_;
  std::unique_ptr<ProcessResolver> procs_;
  std::vector<capture::Damage> decodeDamage_;
  uint64_t lastEventNs_ = 0;
  uint64_t snapshotNs_ = 0;
  uint64_t lossCount_ = 0;

  struct Pending {
    int64_t signalId;
    uint32_t tid;
    bool group;
  };
  struct PairHash {
    size_t operator()(const std::pair<int64_t, int64_t>& k) const {
      return std::hash<int64_t>()(k.first * 0x9e3779b97f4a7c15ull ^ k.second);
    }
  };
  // Generated, delivered-result signals not yet matched to a delivery,
  // keyed by (target process id, signo).
  std::unordered_map<std::pair<int64_t, int64_t>, std::vector<Pending>, PairHash> pending_;

  // signals rows are held back in a window (in id order) until their
  // delivery and their kill call are known, so that each row is written once,
  // complete, and appended in rowid order: updating rows already written (as
  // a per-delivery UPDATE and post-load UPDATEs over every signal did) cost
  // more than the inserts. A row leaves the window when it is complete or
  // when the window is full; what arrives later for it is then written with
  // an UPDATE (delivery) or resolved at the end (kill call), as before.
  struct SignalRow {
    int64_t id;
    uint64_t timeNs, callEnterNs, targetCgroupId, infoAddr;
    uint32_t cpu, senderPid, senderTid, senderUid, targetPid, targetTid, infoUid;
    int32_t signo, code, result, infoPid, infoStatus;
    int64_t senderId, targetId;
    const std::string *signalName, *codeName, *resultName;
    const char *origin, *infoKind;
    bool group, bySyscall, siginfo;
    std::string senderComm, targetComm;
    std::optional<int64_t> killCallId, deliveryId;
    uint64_t deliveredNs = 0;
    const char* disposition = nullptr;
    bool awaitingDelivery = false, awaitingKill = false;
  };
  static constexpr size_t kWindowRows = 1 << 16;
  std::deque<SignalRow> window_;
  int64_t nextSignalId_ = 1;
  void pushSignal(SignalRow row);
  void writeSignal(const SignalRow& row);
  void drainWindow(bool all);
  // Kill calls by (tid, enter_ns): the first one (smallest id) of each key,
  // which is what signals.kill_call_id names; signals in the window waiting
  // for one; signals that left the window still waiting (resolved at the end).
  struct CallHash {
    size_t operator()(const std::pair<uint32_t, uint64_t>& k) const {
      return std::hash<uint64_t>()(k.second * 0x9e3779b97f4a7c15ull ^ k.first);
    }
  };
  using CallKey = std::pair<uint32_t, uint64_t>;
  // One entry per kill call, never erased: millions of nodes on a large
  // capture. Taken from a pool released at once, as freeing them one by one
  // cost about a second at the end of a 10 M-event import.
  std::pmr::monotonic_buffer_resource killsPool_;
  std::pmr::unordered_map<CallKey, int64_t, CallHash> killsByKey_{&killsPool_};
  std::unordered_map<CallKey, std::vector<int64_t>, CallHash> awaitingKill_;
  std::vector<std::pair<int64_t, CallKey>> lateKillLinks_;
  NameCache names_;

  // Ids handed out here, as SQLite would (max + 1), so that rows can name
  // each other before the writer thread has inserted them.
  int64_t nextDeliveryId_ = 1;
  int64_t nextKillId_ = 1;
  RowWriter* rows_ = nullptr;  // lives in run()
  QueuedStatement *insSignal_ = nullptr, *insDelivery_ = nullptr, *updSignalDelivery_ = nullptr,
                  *insKill_ = nullptr, *insFork_ = nullptr, *insExec_ = nullptr,
                  *insExit_ = nullptr, *insThreadExit_ = nullptr, *insOom_ = nullptr,
                  *insLoss_ = nullptr;
};

void Importer::pushSignal(SignalRow row) {
  window_.push_back(std::move(row));
  drainWindow(false);
}

void Importer::drainWindow(bool all) {
  while (!window_.empty()) {
    SignalRow& front = window_.front();
    bool complete = !front.awaitingDelivery && !front.awaitingKill;
    if (!all && !complete && window_.size() <= kWindowRows) break;
    if (front.awaitingKill) {
      CallKey key{front.senderTid, front.callEnterNs};
      lateKillLinks_.emplace_back(front.id, key);
      auto waiting = awaitingKill_.find(key);
      if (waiting != awaitingKill_.end()) {
        auto& ids = waiting->second;
        ids.erase(std::remove(ids.begin(), ids.end(), front.id), ids.end());
        if (ids.empty()) awaitingKill_.erase(waiting);
      }
    }
    writeSignal(front);
    window_.pop_front();
  }
}

void Importer::writeSignal(const SignalRow& r) {
  QueuedStatement& st = *insSignal_;
  st.bind(1, r.id)
      .bind(2, result_.captureId)
      .bind(3, r.timeNs)
      .bind(4, r.cpu)
      .bind(5, r.signo)
      .bindStatic(6, *r.signalName)
      .bind(7, r.code)
      .bindStatic(8, *r.codeName)
      .bindStatic(9, r.origin)
      .bind(10, r.senderId)
      .bind(11, r.senderPid)
      .bind(12, r.senderTid)
      .bindStatic(13, r.senderComm)
      .bind(14, r.senderUid)
      .bind(15, r.targetId)
      .bind(16, r.targetPid)
      .bind(17, r.targetTid)
      .bindStatic(18, r.targetComm)
      .bind(19, r.targetCgroupId)
      .bind(20, r.group)
      .bind(21, r.result)
      .bindStatic(22, *r.resultName);
  if (r.bySyscall) st.bind(23, r.callEnterNs);
  st.bind(24, r.killCallId);
  st.bindStatic(25, r.infoKind);
  if (r.siginfo) {
    st.bind(26, r.infoPid).bind(27, r.infoUid).bind(28, r.infoStatus).bind(29, r.infoAddr);
  }
  if (r.deliveryId) {
    st.bind(30, *r.deliveryId).bind(31, r.deliveredNs).bindStatic(32, r.disposition);
  }
  st.run();
}

ImportResult Importer::run() {
  std::optional<capture::Frame> first = reader_.next();
  Transaction tx(db_);
  beginCapture(first);
  if (result_.skipped) return result_;
  // Declared after tx: its thread stops before a rollback touches the db.
  RowWriter rows(db_);
  rows_ = &rows;

  insSignal_ = &rows_->prepare(
      "INSERT INTO signals (id, capture_id, time_ns, cpu, signo, signal_name, code, code_name,"
      " origin, sender_id, sender_pid, sender_tid, sender_comm, sender_uid, target_id, target_pid,"
      " target_tid, target_comm, target_cgroup_id, group_directed, result, result_name,"
      " call_enter_ns, kill_call_id, info_kind, info_pid, info_uid, info_status, info_addr,"
      " delivery_id, delivered_ns, disposition)"
      " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
  insDelivery_ = &rows_->prepare(
      "INSERT INTO deliveries (capture_id, time_ns, cpu, process_id, pid, tid, comm, signo,"
      " signal_name, code, code_name, disposition, sa_flags, info_kind, signal_id, id)"
      " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
  updSignalDelivery_ =
      &rows_->prepare("UPDATE signals SET delivery_id=?, delivered_ns=?, disposition=? WHERE id=?");
  insKill_ = &rows_->prepare(
      "INSERT INTO kill_calls (capture_id, time_ns, enter_ns, cpu, syscall, caller_id, caller_pid,"
      " caller_tid, caller_comm, caller_uid, arg0, arg1, arg2, arg3, signo, signal_name,"
      " target_pid, target_tid, ret, errno_name, signals, target_id, id, target_host_pid,"
      " target_host_tid, returned) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
  insFork_ = &rows_->prepare(
      "INSERT INTO forks (capture_id, time_ns, cpu, parent_id, parent_pid, parent_tid,"
      " parent_comm, child_id, child_pid, child_tid, child_start_ns, thread, child_ns_pid,"
      " child_ns_tid, pid_ns, child_cgroup_id) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
  insExec_ = &rows_->prepare(
      "INSERT INTO execs (capture_id, time_ns, cpu, process_id, pid, tid, old_tid, uid, comm,"
      " filename, cmdline, argv, args_truncated, filename_truncated, args_unreadable, cgroup_id)"
      " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
  insExit_ = &rows_->prepare(
      "INSERT INTO exits (capture_id, time_ns, cpu, process_id, pid, tid, comm, exit_code,"
      " reason, exit_status, signo, signal_name, core_dumped, parent_pid, parent_id)"
      " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
  insThreadExit_ = &rows_->prepare(
      "INSERT INTO thread_exits (capture_id, time_ns, cpu, process_id, pid, tid, comm, exit_code)"
      " VALUES (?,?,?,?,?,?,?,?)");
  insOom_ = &rows_->prepare(
      "INSERT INTO oom_kills (capture_id, time_ns, cpu, victim_pid, victim_uid, trigger_id,"
      " trigger_pid, trigger_tid, trigger_comm, total_vm_kb, anon_rss_kb, file_rss_kb,"
      " shmem_rss_kb, pgtables_kb, oom_score_adj) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
  insLoss_ = &rows_->prepare(
      "INSERT INTO losses (capture_id, cpu, probe, count, from_ns, to_ns) VALUES (?,?,?,?,?,?)");

  // Two frames ahead: enough to keep the reader busy while a batch is
  // imported, and a bounded amount of memory (each is one unpacked batch).
  FramePrefetcher frames(reader_, 2);
  for (std::optional<capture::Frame> frame = std::move(first); frame; frame = frames.next()) {
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
  finish();
  tx.commit();
  return result_;
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
  result_.key =
      info ? fmt::format("{}/{}/{}/{}", info->getHostname().cStr(), info->getBootId().cStr(),
                         info->getStartBootNs(), info->getFileSequence())
           : "noinfo:" + std::filesystem::absolute(path_).string();

  auto existing = db_.prepare("SELECT id, file_size FROM captures WHERE capture_key=?");
  existing.bind(1, result_.key);
  if (existing.step()) {
    // A shorter copy (cut, or taken earlier) never replaces a longer one.
    if (fileSize <= static_cast<uint64_t>(existing.getInt(1))) {
      result_.skipped = true;
      result_.captureId = existing.getInt(0);
      return;
    }
    // Same recording, different length: a capture copied while it was still
    // being written, imported again once complete.
    deleteCapture(existing.getInt(0));
    result_.replaced = true;
  }

  auto ins = db_.prepare(
      "INSERT INTO captures (capture_key, path, file_size, format_version, hostname,"
      " kernel_release, kernel_version, machine, boot_id, boot_to_wall_ns, recorder_version,"
      " recorder_args, command, start_ns, clock_ticks_per_second, signal_mask, filter_pid,"
      " filter_cgroup_id, threads, ring_buffer_bytes, file_sequence, imported_at)"
      " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?, strftime('%Y-%m-%dT%H:%M:%SZ','now'))");
  ins.bind(1, result_.key)
      .bind(2, path_.string())
      .bind(3, fileSize)
      .bind(4, fmt::format("{}.{}", reader_.formatMajor(), reader_.formatMinor()));
  uint64_t tickNs = 10'000'000;
  if (info) {
    ins.bind(5, info->getHostname().cStr())
        .bind(6, info->getKernelRelease().cStr())
        .bind(7, info->getKernelVersion().cStr())
        .bind(8, info->getMachine().cStr())
        .bind(9, info->getBootId().cStr())
        .bind(10, static_cast<int64_t>(info->getBootToWallNs()))
        .bind(11, info->getRecorderVersion().cStr())
        .bind(12, argsJson(info->getRecorderArgs()))
        .bind(13, joinArgs(info->getCommand()))
        .bind(14, info->getStartBootNs())
        .bind(15, info->getClockTicksPerSecond())
        .bind(16, info->getSignalMask())
        .bind(17, info->getFilterPid())
        .bind(18, info->getFilterCgroupId())
        .bind(19, info->getThreads())
        .bind(20, info->getRingBufferBytes())
        .bind(21, info->getFileSequence());
    if (info->getClockTicksPerSecond() > 0)
      tickNs = 1'000'000'000ull / info->getClockTicksPerSecond();
  } else {
    ins.bind(10, int64_t{0});
  }
  ins.run();
  result_.captureId = db_.lastInsertId();
  procs_ = std::make_unique<ProcessResolver>(
      db_.scalar("SELECT COALESCE(MAX(id), 0) + 1 FROM processes").value_or(1), tickNs);
  // The ids SQLite would give (max + 1), handed out here so that a row held
  // in the window can be named (deliveries.signal_id) before it is written,
  // and rows queued for the writer thread can be linked.
  nextSignalId_ = db_.scalar("SELECT COALESCE(MAX(id), 0) + 1 FROM signals").value_or(1);
  nextDeliveryId_ = db_.scalar("SELECT COALESCE(MAX(id), 0) + 1 FROM deliveries").value_or(1);
  nextKillId_ = db_.scalar("SELECT COALESCE(MAX(id), 0) + 1 FROM kill_calls").value_or(1);
}

void Importer::deleteCapture(int64_t id) {
  for (const char* table :
       {"processes", "signals", "deliveries", "kill_calls", "forks", "execs", "exits",
        "thread_exits", "oom_kills", "losses", "probe_counters", "damage", "captures"}) {
    auto stmt = db_.prepare(fmt::format("DELETE FROM {} WHERE {} = ?", table,
                                        std::string(table) == "captures" ? "id" : "capture_id"));
    stmt.bind(1, id).run();
  }
}

void Importer::snapshot(schema::ProcessSnapshot::Reader snap) {
  requireNonEmptyRecords(snap.getProcesses());
  rows_->flush();  // the db is used directly below
  snapshotNs_ = snap.getTakenBootNs();
  auto upd = db_.prepare(
      "UPDATE captures SET snapshot_ns=?, snapshot_processes=?, snapshot_unreadable=? WHERE id=?");
  upd.bind(1, snapshotNs_)
      .bind(2, snap.getProcesses().size())
      .bind(3, snap.getUnreadable())
      .bind(4, result_.captureId)
      .run();
  for (auto proc : snap.getProcesses()) {
    ProcessInstance& p = procs_->addSnapshot(proc.getPid(), proc.getStartNs());
    p.inSnapshot = true;
    if (!p.ppid && proc.getPpid() != 0) p.ppid = proc.getPpid();
    if (p.comm.empty()) p.comm = proc.getComm().cStr();
    if (p.execCount == 0) {
      p.exe = proc.getExe().cStr();
      p.cmdline = joinArgs(proc.getCmdline());
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
    insLoss_->bind(1, result_.captureId)
        .bind(2, loss.getCpu())
        .bind(3, probeName(loss.getProbe()))
        .bind(4, loss.getCount())
        .bind(5, loss.getFromNs())
        .bind(6, loss.getToNs())
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
  const int64_t cap = result_.captureId;
  switch (ev.which()) {
    case Event::SIGNAL_GENERATE:
      return onGenerate(ev, t);
    case Event::SIGNAL_DELIVER:
      return onDeliver(ev, t, cap);
    case Event::KILL_CALL:
      return onKillCall(ev, t, cap);
    case Event::FORK:
      return onFork(ev, t, cap);
    case Event::EXEC:
      return onExec(ev, t, cap);
    case Event::EXIT:
      return onExit(ev, t, cap);
    case Event::OOM_VICTIM:
      return onOomVictim(ev, t, cap);
  }
}

void Importer::onGenerate(Event::Reader ev, uint64_t t) {
  auto g = ev.getSignalGenerate();
  ProcessInstance& sender = actor(ev);
  ProcessInstance& target = procs_->byStart(g.getTargetPid(), g.getTargetStartNs());
  target.seen(t);
  if (target.comm.empty() || g.getTargetTid() == g.getTargetPid()) {
    if (target.comm.empty() || t >= target.commNs) {
      target.comm = g.getTargetComm().cStr();
      target.commNs = t;
    }
  }
  if (!target.cgroupId) target.cgroupId = g.getTargetCgroupId();
  bool bySyscall = g.getSyscall() != schema::Syscall::NONE;
  SignalRow r;
  r.id = nextSignalId_++;
  r.timeNs = t;
  r.cpu = ev.getCpu();
  r.signo = g.getSignal();
  r.signalName = &names_.signal(r.signo);
  r.code = g.getCode();
  r.codeName = &names_.code(r.signo, r.code);
  r.origin = bySyscall ? syscallName(g.getSyscall()) : "kernel";
  r.senderId = sender.id;
  r.senderPid = ev.getPid();
  r.senderTid = ev.getTid();
  r.senderComm = ev.getComm().cStr();
  r.senderUid = ev.getUid();
  r.targetId = target.id;
  r.targetPid = g.getTargetPid();
  r.targetTid = g.getTargetTid();
  r.targetComm = g.getTargetComm().cStr();
  r.targetCgroupId = g.getTargetCgroupId();
  r.group = g.getGroup();
  r.result = g.getResult();
  r.resultName = &names_.result(r.result);
  r.bySyscall = bySyscall;
  r.callEnterNs = g.getCallEnterNs();
  r.infoKind = infoKindName(g.getInfoKind());
  r.siginfo = g.getInfoKind() == schema::InfoKind::SIGINFO;
  r.infoPid = g.getInfoPid();
  r.infoUid = g.getInfoUid();
  r.infoStatus = g.getInfoStatus();
  r.infoAddr = g.getInfoAddr();
  if (bySyscall) {
    // kill_call_id: the first kill call of this thread with this entry
    // time, whenever it comes (usually right after: it is recorded at
    // syscall exit).
    CallKey key{r.senderTid, r.callEnterNs};
    auto found = killsByKey_.find(key);
    if (found != killsByKey_.end()) {
      r.killCallId = found->second;
    } else {
      r.awaitingKill = true;
      awaitingKill_[key].push_back(r.id);
    }
  }
  if (r.result == 0) {
    r.awaitingDelivery = true;
    pending_[{target.id, r.signo}].push_back({r.id, r.targetTid, r.group});
  }
  pushSignal(std::move(r));
}

void Importer::onDeliver(Event::Reader ev, uint64_t t, int64_t cap) {
  auto d = ev.getSignalDeliver();
  ProcessInstance& receiver = actor(ev);
  std::optional<int64_t> signalId;
  auto found = pending_.find({receiver.id, d.getSignal()});
  if (found != pending_.end()) {
    auto& list = found->second;
    for (auto it = list.rbegin(); it != list.rend(); ++it) {
      if (it->tid == ev.getTid() || it->group) {
        signalId = it->signalId;
        list.erase(std::next(it).base());
        break;
      }
    }
  }
  const char* disposition = dispositionName(d.getDisposition());
  const int64_t deliveryId = nextDeliveryId_++;
  insDelivery_->bind(1, cap)
      .bind(2, t)
      .bind(3, ev.getCpu())
      .bind(4, receiver.id)
      .bind(5, ev.getPid())
      .bind(6, ev.getTid())
      .bindStatic(7, ev.getComm().cStr())
      .bind(8, d.getSignal())
      .bindStatic(9, names_.signal(d.getSignal()))
      .bind(10, d.getCode())
      .bindStatic(11, names_.code(d.getSignal(), d.getCode()))
      .bindStatic(12, disposition)
      .bind(13, d.getSaFlags())
      .bindStatic(14, infoKindName(d.getInfoKind()))
      .bind(15, signalId)
      .bind(16, deliveryId)
      .run();
  if (signalId) {
    if (!window_.empty() && *signalId >= window_.front().id) {
      SignalRow& row = window_[static_cast<size_t>(*signalId - window_.front().id)];
      row.deliveryId = deliveryId;
      row.deliveredNs = t;
      row.disposition = disposition;
      row.awaitingDelivery = false;
      drainWindow(false);
    } else {
      updSignalDelivery_->bind(1, deliveryId)
          .bind(2, t)
          .bindStatic(3, disposition)
          .bind(4, *signalId)
          .run();
    }
  }
}

void Importer::onKillCall(Event::Reader ev, uint64_t t, int64_t cap) {
  auto k = ev.getKillCall();
  ProcessInstance& caller = actor(ev);
  int64_t a0 = k.getArg0(), a1 = k.getArg1(), a2 = k.getArg2();
  KillCallArgs args = killCallArgs(k.getSyscall(), a0, a1, a2);
  auto [signo, targetPid, targetTid] = args;
  // target_id: the instance holding that pid at entry, as known now;
  // rows whose answer later events change are recomputed in finish().
  KillTarget target = resolveKillTarget(*procs_, caller, args, k.getEnterNs(),
                                        refusedAsNoProcess(k.getRet(), k.getNoReturn()));
  // time_ns is the entry: what 2.x recorders stamp the event with; 1.x ones
  // stamped the exit, so captures of both versions read the same.
  insKill_->bind(1, cap)
      .bind(2, k.getEnterNs() != 0 ? k.getEnterNs() : t)
      .bind(3, k.getEnterNs())
      .bind(4, ev.getCpu())
      .bindStatic(5, syscallName(k.getSyscall()))
      .bind(6, caller.id)
      .bind(7, ev.getPid())
      .bind(8, ev.getTid())
      .bindStatic(9, ev.getComm().cStr())
      .bind(10, ev.getUid())
      .bind(11, a0)
      .bind(12, a1)
      .bind(13, a2)
      .bind(14, k.getArg3())
      .bind(15, signo);
  if (signo) insKill_->bindStatic(16, names_.signal(static_cast<int>(*signo)));
  insKill_->bind(17, targetPid).bind(18, targetTid).bind(19, k.getRet());
  if (k.getRet() < 0) insKill_->bindStatic(20, names_.errnoName(static_cast<int>(-k.getRet())));
  const int64_t killId = nextKillId_++;
  insKill_->bind(21, k.getSignals())
      .bind(22, target.id)
      .bind(23, killId)
      .bind(24, target.hostPid)
      .bind(25, target.hostTid)
      .bind(26, !k.getNoReturn())
      .run();
  CallKey key{ev.getTid(), k.getEnterNs()};
  if (killsByKey_.emplace(key, killId).second) {
    auto waiting = awaitingKill_.find(key);
    if (waiting != awaitingKill_.end()) {
      for (int64_t id : waiting->second) {
        SignalRow& row = window_[static_cast<size_t>(id - window_.front().id)];
        row.killCallId = killId;
        row.awaitingKill = false;
      }
      awaitingKill_.erase(waiting);
      drainWindow(false);
    }
  }
}

void Importer::onFork(Event::Reader ev, uint64_t t, int64_t cap) {
  auto f = ev.getFork();
  ProcessInstance& parent = actor(ev);
  int64_t childId = parent.id;
  if (!f.getThread()) {
    ProcessInstance& child = procs_->byStart(f.getChildPid(), f.getChildStartNs());
    child.seen(t);
    child.ppid = parent.pid;
    child.parentId = parent.id;
    child.forkNs = t;
    // A child runs its parent's program until it execs.
    if (child.comm.empty()) {
      child.comm = parent.comm;
      child.commNs = t;
    }
    if (child.execCount == 0 && child.cmdline.empty()) {
      child.cmdline = parent.cmdline;
      child.exe = parent.exe;
    }
    if (!child.uid) child.uid = parent.uid;
    child.cgroupId = f.getChildCgroupId();
    procs_->setNamespace(child, f.getPidNs(), f.getChildNsPid(), true);
    childId = child.id;
  } else {
    procs_->addThread(parent, f.getChildTid(), t, f.getPidNs(), f.getChildNsTid());
  }
  insFork_->bind(1, cap)
      .bind(2, t)
      .bind(3, ev.getCpu())
      .bind(4, parent.id)
      .bind(5, ev.getPid())
      .bind(6, ev.getTid())
      .bind(7, ev.getComm().cStr())
      .bind(8, childId)
      .bind(9, f.getChildPid())
      .bind(10, f.getChildTid())
      .bind(11, f.getChildStartNs())
      .bind(12, f.getThread())
      .bind(13, f.getChildNsPid())
      .bind(14, f.getChildNsTid())
      .bind(15, f.getPidNs())
      .bind(16, f.getChildCgroupId())
      .run();
}

void Importer::onExec(Event::Reader ev, uint64_t t, int64_t cap) {
  auto x = ev.getExec();
  ProcessInstance& p = actor(ev);
  std::string cmdline = joinArgs(x.getArgv());
  ++p.execCount;
  if (t >= p.lastExecNs) {
    p.lastExecNs = t;
    p.exe = x.getFilename().cStr();
    p.cmdline = cmdline;
    p.comm = ev.getComm().cStr();
    p.commNs = t;
    if (x.getCgroupId()) p.cgroupId = x.getCgroupId();
  }
  insExec_->bind(1, cap)
      .bind(2, t)
      .bind(3, ev.getCpu())
      .bind(4, p.id)
      .bind(5, ev.getPid())
      .bind(6, ev.getTid())
      .bind(7, x.getOldTid())
      .bind(8, ev.getUid())
      .bind(9, ev.getComm().cStr())
      .bind(10, x.getFilename().cStr())
      .bind(11, cmdline)
      .bind(12, argsJson(x.getArgv()))
      .bind(13, x.getArgsTruncated())
      .bind(14, x.getFilenameTruncated())
      .bind(15, x.getArgsUnreadable())
      .bind(16, x.getCgroupId())
      .run();
}

void Importer::onExit(Event::Reader ev, uint64_t t, int64_t cap) {
  auto x = ev.getExit();
  ProcessInstance& p = actor(ev);
  if (!x.getGroupDead()) {
    insThreadExit_->bind(1, cap)
        .bind(2, t)
        .bind(3, ev.getCpu())
        .bind(4, p.id)
        .bind(5, ev.getPid())
        .bind(6, ev.getTid())
        .bind(7, ev.getComm().cStr())
        .bind(8, x.getExitCode())
        .run();
    return;
  }
  procs_->setExit(p, t);
  std::optional<int64_t> parentId;
  if (x.getParentPid() != 0) {
    parentId = procs_->byStart(x.getParentPid(), x.getParentStartNs()).id;
    if (!p.ppid) {
      p.ppid = x.getParentPid();
      p.parentStartNs = x.getParentStartNs();
    }
  }
  names::ExitStatus status = names::decodeExitCode(x.getExitCode());
  insExit_->bind(1, cap)
      .bind(2, t)
      .bind(3, ev.getCpu())
      .bind(4, p.id)
      .bind(5, ev.getPid())
      .bind(6, ev.getTid())
      .bind(7, p.comm)
      .bind(8, x.getExitCode())
      .bindStatic(9, status.signaled ? "signal" : "exit");
  if (status.signaled) {
    insExit_->bind(11, status.signal)
        .bindStatic(12, names_.signal(status.signal))
        .bind(13, status.coreDumped);
  } else {
    insExit_->bind(10, status.status).bind(13, false);
  }
  insExit_->bind(14, x.getParentPid()).bind(15, parentId).run();
}

void Importer::onOomVictim(Event::Reader ev, uint64_t t, int64_t cap) {
  auto o = ev.getOomVictim();
  ProcessInstance& trigger = actor(ev);
  insOom_->bind(1, cap)
      .bind(2, t)
      .bind(3, ev.getCpu())
      .bind(4, o.getVictimPid())
      .bind(5, o.getVictimUid())
      .bind(6, trigger.id)
      .bind(7, ev.getPid())
      .bind(8, ev.getTid())
      .bind(9, ev.getComm().cStr())
      .bind(10, o.getTotalVmKb())
      .bind(11, o.getAnonRssKb())
      .bind(12, o.getFileRssKb())
      .bind(13, o.getShmemRssKb())
      .bind(14, o.getPgtablesKb())
      .bind(15, o.getOomScoreAdj())
      .run();
}

void Importer::trailer(schema::Trailer::Reader t) {
  requireNonEmptyRecords(t.getCounters());
  rows_->flush();  // the db is used directly below
  result_.trailer = true;
  auto upd = db_.prepare(
      "UPDATE captures SET trailer=1, end_ns=?, stop_reason=?, command_exit_status=?,"
      " trailer_events=?, trailer_lost=?, user_dropped=? WHERE id=?");
  upd.bind(1, t.getStopBootNs())
      .bind(2, t.getStopReason().cStr())
      .bind(3, t.getCommandExitStatus())
      .bind(4, t.getEvents())
      .bind(5, t.getLost())
      .bind(6, t.getUserDropped())
      .bind(7, result_.captureId)
      .run();
  auto ins = db_.prepare(
      "INSERT INTO probe_counters (capture_id, probe, cpu, emitted, lost) VALUES (?,?,?,?,?)");
  for (auto c : t.getCounters())
    ins.bind(1, result_.captureId)
        .bind(2, probeName(c.getProbe()))
        .bind(3, c.getCpu())
        .bind(4, c.getEmitted())
        .bind(5, c.getLost())
        .run();
}

void Importer::finish() {
  const int64_t cap = result_.captureId;
  drainWindow(true);
  rows_->flush();  // every row is in: the db is used directly from here on
  procs_->linkParents(snapshotNs_);
  auto ins = db_.prepare(
      "INSERT INTO processes (id, capture_id, pid, start_ns, start_exact, ppid, parent_id, comm,"
      " exe, cmdline, uid, cgroup, cgroup_id, ns_pid, pid_ns, in_snapshot, fork_ns, exec_count,"
      " exit_ns, first_seen_ns, last_seen_ns) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
  for (const ProcessInstance& p : procs_->all()) {
    ins.bind(1, p.id)
        .bind(2, cap)
        .bind(3, p.pid)
        .bind(4, p.startNs)
        .bind(5, p.startExact)
        .bind(6, p.ppid)
        .bind(7, p.parentId)
        .bind(8, p.comm)
        .bind(9, p.exe)
        .bind(10, p.cmdline)
        .bind(11, p.uid)
        .bind(12, p.cgroup)
        .bind(13, p.cgroupId)
        .bind(14, p.nsPid)
        .bind(15, p.pidNs)
        .bind(16, p.inSnapshot)
        .bind(17, p.forkNs)
        .bind(18, p.execCount)
        .bind(19, p.exitNs);
    if (p.firstSeenNs != UINT64_MAX) ins.bind(20, p.firstSeenNs).bind(21, p.lastSeenNs);
    ins.run();
  }

  result_.damage = reader_.damage();
  result_.damage.insert(result_.damage.end(), decodeDamage_.begin(), decodeDamage_.end());
  auto dmg = db_.prepare(
      "INSERT INTO damage (capture_id, offset, bytes, what, truncation) VALUES (?,?,?,?,?)");
  uint64_t damagedBytes = 0;
  for (const auto& d : result_.damage) {
    damagedBytes += d.bytes;
    dmg.bind(1, cap).bind(2, d.offset).bind(3, d.bytes).bind(4, d.what).bind(5, d.truncation).run();
  }

  auto upd = db_.prepare(
      "UPDATE captures SET events=?, lost=MAX(?, COALESCE(trailer_lost, 0)), damaged_bytes=?,"
      " end_ns=COALESCE(end_ns, ?) WHERE id=?");
  upd.bind(1, result_.events)
      .bind(2, lossCount_)
      .bind(3, damagedBytes)
      .bind(4, std::max(lastEventNs_, snapshotNs_))
      .bind(5, cap)
      .run();

  ensureIndexes(db_);
  // The call that generated a signal (same thread, same syscall entry) for
  // signals written before their kill call was seen: killsByKey_ is complete
  // now.
  {
    auto link = db_.prepare("UPDATE signals SET kill_call_id=? WHERE id=?");
    for (const auto& [signalId, key] : lateKillLinks_) {
      auto found = killsByKey_.find(key);
      if (found != killsByKey_.end()) link.bind(1, found->second).bind(2, signalId).run();
    }
  }
  relinkKillTargets();

  // Links that need every row in place, whatever order the events came in.
  static constexpr const char* kLinks[] = {
      "UPDATE oom_kills SET victim_id = (SELECT p.id FROM processes p"
      " WHERE p.capture_id = oom_kills.capture_id AND p.pid = oom_kills.victim_pid"
      " AND p.start_ns <= oom_kills.time_ns"
      " AND (p.exit_ns IS NULL OR p.exit_ns >= oom_kills.time_ns) ORDER BY p.start_ns DESC"
      " LIMIT 1) WHERE capture_id = ?1",
      // Cause of a death by signal N: the latest generation of N for that
      // process before the exit; one that was delivered beats one that found
      // the signal already pending.
      "UPDATE exits SET signal_id = (SELECT s.id FROM signals s"
      " WHERE s.target_id = exits.process_id AND s.signo = exits.signo"
      " AND s.time_ns <= exits.time_ns ORDER BY (s.result = 0) DESC, s.time_ns DESC LIMIT 1)"
      " WHERE capture_id = ?1 AND reason = 'signal'",
      "UPDATE exits SET oom_id = (SELECT o.id FROM oom_kills o WHERE o.victim_id = exits.process_id"
      " AND o.time_ns <= exits.time_ns ORDER BY o.time_ns DESC LIMIT 1)"
      " WHERE capture_id = ?1 AND signo = 9",
      "UPDATE exits SET reason = 'oom' WHERE capture_id = ?1 AND oom_id IS NOT NULL",
  };
  for (const char* sql : kLinks) db_.prepare(sql).bind(1, cap).run();
  // Statistics for the query planner; sampled (analysis_limit), so that it
  // costs milliseconds, not a pass over every index.
  db_.exec("PRAGMA analysis_limit=1000; ANALYZE");
}

// Targets of kill calls were written during the load from what was known at
// that point; recomputed here, by the same rule, for the keys whose holders
// changed afterwards and the callers whose namespace was learnt afterwards.
void Importer::relinkKillTargets() {
  const auto& keys = procs_->dirtyKeys();
  const auto& callers = procs_->dirtyCallers();
  if (keys.empty() && callers.empty()) return;
  db_.exec("CREATE TEMP TABLE IF NOT EXISTS sigan_dirty_numbers (n INTEGER PRIMARY KEY)");
  db_.exec("CREATE TEMP TABLE IF NOT EXISTS sigan_dirty_callers (id INTEGER PRIMARY KEY)");
  auto addNumber = db_.prepare("INSERT OR IGNORE INTO temp.sigan_dirty_numbers VALUES (?)");
  for (PidKey key : keys) addNumber.bind(1, key.number).run();
  auto addCaller = db_.prepare("INSERT INTO temp.sigan_dirty_callers VALUES (?)");
  for (int64_t id : callers) addCaller.bind(1, id).run();
  struct Call {
    int64_t id, callerId, enterNs, ret;
    std::optional<int64_t> pid, tid;
    bool returned;
  };
  std::vector<Call> calls;
  auto select = db_.prepare(
      "SELECT id, caller_id, enter_ns, ret, target_pid, target_tid, returned FROM kill_calls"
      " WHERE capture_id = ? AND (target_pid IN temp.sigan_dirty_numbers"
      " OR target_tid IN temp.sigan_dirty_numbers OR caller_id IN temp.sigan_dirty_callers)");
  select.bind(1, result_.captureId);
  while (select.step())
    calls.push_back({select.getInt(0), select.getInt(1), select.getInt(2), select.getInt(3),
                     select.getOptInt(4), select.getOptInt(5), select.getInt(6) != 0});
  auto update = db_.prepare(
      "UPDATE kill_calls SET target_id = ?, target_host_pid = ?, target_host_tid = ? WHERE id = ?");
  for (const Call& c : calls) {
    KillTarget target =
        resolveKillTarget(*procs_, procs_->byId(c.callerId), {std::nullopt, c.pid, c.tid},
                          static_cast<uint64_t>(c.enterNs), refusedAsNoProcess(c.ret, !c.returned));
    update.bind(1, target.id).bind(2, target.hostPid).bind(3, target.hostTid).bind(4, c.id).run();
  }
  db_.exec("DROP TABLE temp.sigan_dirty_numbers; DROP TABLE temp.sigan_dirty_callers");
}

}  // namespace

ImportResult importCapture(Db& db, const std::filesystem::path& path) {
  return Importer(db, path).run();
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
