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

#include "analyze/attribution/exit_links.h"
#include "analyze/attribution/kill_target.h"
#include "analyze/db_schema.h"
#include "analyze/frame_prefetcher.h"
#include "analyze/import/capture_registry.h"
#include "analyze/import/signal_tracker.h"
#include "analyze/import_names.h"
#include "analyze/process_resolver.h"
#include "analyze/row_writer.h"
#include "analyze/store/tables.h"
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
  void prepareStatements();
  void readFrames(std::optional<capture::Frame> first);
  void relinkKillTargets();
  void writeProcesses();
  uint64_t writeDamage();
  ProcessInstance& actor(Event::Reader ev);
  ProcessInstance& signalTarget(Event::SignalGenerate::Reader g, uint64_t t);

  Db& db_;
  std::filesystem::path path_;
  capture::CaptureReader reader_;
  ImportResult result_;
  std::unique_ptr<ProcessResolver> procs_;
  std::vector<capture::Damage> decodeDamage_;
  uint64_t lastEventNs_ = 0;
  uint64_t snapshotNs_ = 0;
  uint64_t lossCount_ = 0;

  SignalTracker signals_{[this](const SignalRow& row) { writeSignal(row); }};
  void writeSignal(const SignalRow& row);
  NameCache names_;

  // Ids handed out here, as SQLite would (max + 1), so that rows can name
  // each other before the writer thread has inserted them.
  int64_t nextSignalId_ = 1;
  int64_t nextDeliveryId_ = 1;
  int64_t nextKillId_ = 1;
  RowWriter* rows_ = nullptr;  // lives in run()
  QueuedStatement *insSignal_ = nullptr, *insDelivery_ = nullptr, *updSignalDelivery_ = nullptr,
                  *insKill_ = nullptr, *insFork_ = nullptr, *insExec_ = nullptr,
                  *insExit_ = nullptr, *insThreadExit_ = nullptr, *insOom_ = nullptr,
                  *insLoss_ = nullptr;
};

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

// One statement per table, reused for every row; the positional values of
// each row follow the column list given here (checked against store/).
void Importer::prepareStatements() {
  insSignal_ = &rows_->prepare(store::insertSql(
      "signals",
      "id capture_id time_ns cpu signo signal_name code code_name origin sender_id "
      "sender_pid sender_tid sender_comm sender_uid target_id target_pid target_tid "
      "target_comm target_cgroup_id group_directed result result_name call_enter_ns "
      "kill_call_id info_kind info_pid info_uid info_status info_addr delivery_id "
      "delivered_ns disposition"));
  insDelivery_ = &rows_->prepare(
      store::insertSql("deliveries",
                       "capture_id time_ns cpu process_id pid tid comm signo signal_name code "
                       "code_name disposition sa_flags info_kind signal_id id"));
  updSignalDelivery_ =
      &rows_->prepare("UPDATE signals SET delivery_id=?, delivered_ns=?, disposition=? WHERE id=?");
  insKill_ = &rows_->prepare(store::insertSql(
      "kill_calls",
      "capture_id time_ns enter_ns cpu syscall caller_id caller_pid caller_tid "
      "caller_comm caller_uid arg0 arg1 arg2 arg3 signo signal_name target_pid "
      "target_tid ret errno_name signals target_id id target_host_pid target_host_tid "
      "returned"));
  insFork_ = &rows_->prepare(store::insertSql(
      "forks",
      "capture_id time_ns cpu parent_id parent_pid parent_tid parent_comm child_id "
      "child_pid child_tid child_start_ns thread child_ns_pid child_ns_tid pid_ns "
      "child_cgroup_id"));
  insExec_ = &rows_->prepare(store::insertSql(
      "execs",
      "capture_id time_ns cpu process_id pid tid old_tid uid comm filename cmdline "
      "argv args_truncated filename_truncated args_unreadable cgroup_id"));
  insExit_ = &rows_->prepare(store::insertSql(
      "exits",
      "capture_id time_ns cpu process_id pid tid comm exit_code reason exit_status "
      "signo signal_name core_dumped parent_pid parent_id"));
  insThreadExit_ = &rows_->prepare(
      store::insertSql("thread_exits", "capture_id time_ns cpu process_id pid tid comm exit_code"));
  insOom_ = &rows_->prepare(
      store::insertSql("oom_kills",
                       "capture_id time_ns cpu victim_pid victim_uid trigger_id trigger_pid "
                       "trigger_tid trigger_comm total_vm_kb anon_rss_kb file_rss_kb shmem_rss_kb "
                       "pgtables_kb oom_score_adj"));
  insLoss_ =
      &rows_->prepare(store::insertSql("losses", "capture_id cpu probe count from_ns to_ns"));
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

// The target of a generated signal, with what the event says about it.
ProcessInstance& Importer::signalTarget(Event::SignalGenerate::Reader g, uint64_t t) {
  ProcessInstance& target = procs_->byStart(g.getTargetPid(), g.getTargetStartNs());
  target.seen(t);
  if (target.comm.empty() || g.getTargetTid() == g.getTargetPid()) {
    if (target.comm.empty() || t >= target.commNs) {
      target.comm = g.getTargetComm().cStr();
      target.commNs = t;
    }
  }
  if (!target.cgroupId) target.cgroupId = g.getTargetCgroupId();
  return target;
}

void Importer::onGenerate(Event::Reader ev, uint64_t t) {
  auto g = ev.getSignalGenerate();
  ProcessInstance& sender = actor(ev);
  ProcessInstance& target = signalTarget(g, t);
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
  signals_.generated(std::move(r));
}

void Importer::onDeliver(Event::Reader ev, uint64_t t, int64_t cap) {
  auto d = ev.getSignalDeliver();
  ProcessInstance& receiver = actor(ev);
  std::optional<int64_t> signalId = signals_.matchDelivery(receiver.id, d.getSignal(), ev.getTid());
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
  if (signalId && !signals_.delivered(*signalId, deliveryId, t, disposition)) {
    updSignalDelivery_->bind(1, deliveryId)
        .bind(2, t)
        .bindStatic(3, disposition)
        .bind(4, *signalId)
        .run();
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
  signals_.killCall({ev.getTid(), k.getEnterNs()}, killId);
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
      child.cmdlineTruncated = parent.cmdlineTruncated;
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
    p.cmdlineTruncated = x.getArgsTruncated();
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
      " trailer_events=?, trailer_lost=?, user_dropped=?, trailer_batches=? WHERE id=?");
  upd.bind(1, t.getStopBootNs())
      .bind(2, t.getStopReason().cStr())
      .bind(3, t.getCommandExitStatus())
      .bind(4, t.getEvents())
      .bind(5, t.getLost())
      .bind(6, t.getUserDropped())
      .bind(7, t.getBatches())
      .bind(8, result_.captureId)
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

void Importer::writeProcesses() {
  auto ins = db_.prepare(store::insertSql(
      "processes",
      "id capture_id pid start_ns start_exact ppid parent_id comm exe cmdline uid cgroup "
      "cgroup_id ns_pid pid_ns in_snapshot fork_ns exec_count exit_ns first_seen_ns "
      "last_seen_ns cmdline_truncated"));
  for (const ProcessInstance& p : procs_->all()) {
    ins.bind(1, p.id)
        .bind(2, result_.captureId)
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
    ins.bind(22, p.cmdlineTruncated).run();
  }
}

uint64_t Importer::writeDamage() {
  result_.damage = reader_.damage();
  result_.damage.insert(result_.damage.end(), decodeDamage_.begin(), decodeDamage_.end());
  auto dmg = db_.prepare(
      "INSERT INTO damage (capture_id, offset, bytes, what, truncation) VALUES (?,?,?,?,?)");
  uint64_t damagedBytes = 0;
  for (const auto& d : result_.damage) {
    damagedBytes += d.bytes;
    dmg.bind(1, result_.captureId)
        .bind(2, d.offset)
        .bind(3, d.bytes)
        .bind(4, d.what)
        .bind(5, d.truncation)
        .run();
  }
  return damagedBytes;
}

void Importer::finish() {
  const int64_t cap = result_.captureId;
  signals_.finish();
  rows_->flush();  // every row is in: the db is used directly from here on
  procs_->linkParents(snapshotNs_);
  writeProcesses();
  uint64_t damagedBytes = writeDamage();
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
  // signals written before their kill call was seen: every call is known
  // now.
  auto link = db_.prepare("UPDATE signals SET kill_call_id=? WHERE id=?");
  for (const auto& [signalId, killId] : signals_.lateKillLinks())
    link.bind(1, killId).bind(2, signalId).run();
  relinkKillTargets();

  linkExitCauses(db_, cap);
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
