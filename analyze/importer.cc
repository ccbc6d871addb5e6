#include "analyze/importer.h"

#include <fmt/format.h>
#include <kj/exception.h>
#include <nlohmann/json.hpp>

#include <map>
#include <memory>
#include <optional>

#include "analyze/db_schema.h"
#include "analyze/process_resolver.h"
#include "schema/names.h"

namespace sigrec::analyze {
namespace {

using schema::Event;

const char* syscallName(schema::Syscall call) {
  switch (call) {
    case schema::Syscall::NONE:
      return "none";
    case schema::Syscall::KILL:
      return "kill";
    case schema::Syscall::TKILL:
      return "tkill";
    case schema::Syscall::TGKILL:
      return "tgkill";
    case schema::Syscall::PIDFD_SEND_SIGNAL:
      return "pidfd_send_signal";
    case schema::Syscall::RT_SIGQUEUEINFO:
      return "rt_sigqueueinfo";
    case schema::Syscall::RT_TGSIGQUEUEINFO:
      return "rt_tgsigqueueinfo";
  }
  return "unknown";
}

const char* probeName(schema::Probe probe) {
  switch (probe) {
    case schema::Probe::SIGNAL_GENERATE:
      return "signal_generate";
    case schema::Probe::SIGNAL_DELIVER:
      return "signal_deliver";
    case schema::Probe::KILL_CALL:
      return "kill_call";
    case schema::Probe::FORK:
      return "fork";
    case schema::Probe::EXEC:
      return "exec";
    case schema::Probe::EXIT:
      return "exit";
    case schema::Probe::OOM:
      return "oom";
    case schema::Probe::INFLIGHT_MAP:
      return "inflight_map";
  }
  return "unknown";
}

const char* infoKindName(schema::InfoKind kind) {
  switch (kind) {
    case schema::InfoKind::NO_INFO:
      return "noinfo";
    case schema::InfoKind::PRIV:
      return "priv";
    case schema::InfoKind::SIGINFO:
      return "siginfo";
  }
  return "unknown";
}

const char* dispositionName(schema::Disposition d) {
  switch (d) {
    case schema::Disposition::DEFAULT:
      return "default";
    case schema::Disposition::IGNORE:
      return "ignore";
    case schema::Disposition::HANDLER:
      return "handler";
  }
  return "unknown";
}

std::string resultName(int result) {
  switch (result) {
    case 0:
      return "delivered";
    case 1:
      return "ignored";
    case 2:
      return "already_pending";
    case 3:
      return "overflow";
    case 4:
      return "lose_info";
  }
  return std::to_string(result);
}

std::string joinArgs(capnp::List<capnp::Text>::Reader list) {
  std::string out;
  for (auto arg : list) {
    if (!out.empty()) out += ' ';
    out += arg.cStr();
  }
  return out;
}

std::string argsJson(capnp::List<capnp::Text>::Reader list) {
  nlohmann::json array = nlohmann::json::array();
  for (auto arg : list) array.push_back(std::string(arg.cStr()));
  return array.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
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
  void trailer(schema::Trailer::Reader t);
  void finish();
  void deleteCapture(int64_t id);
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
  // Generated, delivered-result signals not yet matched to a delivery,
  // keyed by (target process id, signo).
  std::map<std::pair<int64_t, int>, std::vector<Pending>> pending_;

  std::optional<Statement> insSignal_, insDelivery_, updSignalDelivery_, insKill_, insFork_,
      insExec_, insExit_, insThreadExit_, insOom_, insLoss_;
};

ImportResult Importer::run() {
  std::optional<capture::Frame> first = reader_.next();
  Transaction tx(db_);
  beginCapture(first);
  if (result_.skipped) return result_;

  insSignal_.emplace(db_.prepare(
      "INSERT INTO signals (capture_id, time_ns, cpu, signo, signal_name, code, code_name, origin,"
      " sender_id, sender_pid, sender_tid, sender_comm, sender_uid, target_id, target_pid,"
      " target_tid, target_comm, target_cgroup_id, group_directed, result, result_name,"
      " call_enter_ns, info_kind, info_pid, info_uid, info_status, info_addr)"
      " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"));
  insDelivery_.emplace(db_.prepare(
      "INSERT INTO deliveries (capture_id, time_ns, cpu, process_id, pid, tid, comm, signo,"
      " signal_name, code, code_name, disposition, sa_flags, info_kind, signal_id)"
      " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"));
  updSignalDelivery_.emplace(
      db_.prepare("UPDATE signals SET delivery_id=?, delivered_ns=?, disposition=? WHERE id=?"));
  insKill_.emplace(db_.prepare(
      "INSERT INTO kill_calls (capture_id, time_ns, enter_ns, cpu, syscall, caller_id, caller_pid,"
      " caller_tid, caller_comm, caller_uid, arg0, arg1, arg2, arg3, signo, signal_name,"
      " target_pid, target_tid, ret, errno_name, signals)"
      " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"));
  insFork_.emplace(db_.prepare(
      "INSERT INTO forks (capture_id, time_ns, cpu, parent_id, parent_pid, parent_tid,"
      " parent_comm, child_id, child_pid, child_tid, child_start_ns, thread, child_ns_pid,"
      " child_ns_tid, pid_ns, child_cgroup_id) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"));
  insExec_.emplace(db_.prepare(
      "INSERT INTO execs (capture_id, time_ns, cpu, process_id, pid, tid, old_tid, uid, comm,"
      " filename, cmdline, argv, args_truncated, filename_truncated, args_unreadable, cgroup_id)"
      " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"));
  insExit_.emplace(db_.prepare(
      "INSERT INTO exits (capture_id, time_ns, cpu, process_id, pid, tid, comm, exit_code,"
      " reason, exit_status, signo, signal_name, core_dumped, parent_pid, parent_id)"
      " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"));
  insThreadExit_.emplace(db_.prepare(
      "INSERT INTO thread_exits (capture_id, time_ns, cpu, process_id, pid, tid, comm, exit_code)"
      " VALUES (?,?,?,?,?,?,?,?)"));
  insOom_.emplace(db_.prepare(
      "INSERT INTO oom_kills (capture_id, time_ns, cpu, victim_pid, victim_uid, trigger_id,"
      " trigger_pid, trigger_tid, trigger_comm, total_vm_kb, anon_rss_kb, file_rss_kb,"
      " shmem_rss_kb, pgtables_kb, oom_score_adj) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"));
  insLoss_.emplace(db_.prepare(
      "INSERT INTO losses (capture_id, cpu, probe, count, from_ns, to_ns) VALUES (?,?,?,?,?,?)"));

  for (std::optional<capture::Frame> frame = std::move(first); frame; frame = reader_.next()) {
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
    if (!p.nsPid) p.nsPid = proc.getNsPid();
    if (!p.pidNs) p.pidNs = proc.getPidNs();
    p.seen(snapshotNs_);
  }
}

void Importer::batch(schema::EventBatch::Reader batch) {
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
    case Event::SIGNAL_GENERATE: {
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
      insSignal_->bind(1, cap)
          .bind(2, t)
          .bind(3, ev.getCpu())
          .bind(4, g.getSignal())
          .bind(5, names::signalName(g.getSignal()))
          .bind(6, g.getCode())
          .bind(7, names::siCodeName(g.getSignal(), g.getCode()))
          .bind(8, bySyscall ? syscallName(g.getSyscall()) : "kernel")
          .bind(9, sender.id)
          .bind(10, ev.getPid())
          .bind(11, ev.getTid())
          .bind(12, ev.getComm().cStr())
          .bind(13, ev.getUid())
          .bind(14, target.id)
          .bind(15, g.getTargetPid())
          .bind(16, g.getTargetTid())
          .bind(17, g.getTargetComm().cStr())
          .bind(18, g.getTargetCgroupId())
          .bind(19, g.getGroup())
          .bind(20, g.getResult())
          .bind(21, resultName(g.getResult()));
      if (bySyscall) insSignal_->bind(22, g.getCallEnterNs());
      insSignal_->bind(23, infoKindName(g.getInfoKind()));
      if (g.getInfoKind() == schema::InfoKind::SIGINFO) {
        insSignal_->bind(24, g.getInfoPid())
            .bind(25, g.getInfoUid())
            .bind(26, g.getInfoStatus())
            .bind(27, g.getInfoAddr());
      }
      insSignal_->run();
      if (g.getResult() == 0)
        pending_[{target.id, g.getSignal()}].push_back(
            {db_.lastInsertId(), g.getTargetTid(), g.getGroup()});
      break;
    }
    case Event::SIGNAL_DELIVER: {
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
      insDelivery_->bind(1, cap)
          .bind(2, t)
          .bind(3, ev.getCpu())
          .bind(4, receiver.id)
          .bind(5, ev.getPid())
          .bind(6, ev.getTid())
          .bind(7, ev.getComm().cStr())
          .bind(8, d.getSignal())
          .bind(9, names::signalName(d.getSignal()))
          .bind(10, d.getCode())
          .bind(11, names::siCodeName(d.getSignal(), d.getCode()))
          .bind(12, disposition)
          .bind(13, d.getSaFlags())
          .bind(14, infoKindName(d.getInfoKind()))
          .bind(15, signalId)
          .run();
      if (signalId)
        updSignalDelivery_->bind(1, db_.lastInsertId())
            .bind(2, t)
            .bind(3, disposition)
            .bind(4, *signalId)
            .run();
      break;
    }
    case Event::KILL_CALL: {
      auto k = ev.getKillCall();
      ProcessInstance& caller = actor(ev);
      int64_t a0 = k.getArg0(), a1 = k.getArg1(), a2 = k.getArg2();
      std::optional<int64_t> signo, targetPid, targetTid;
      switch (k.getSyscall()) {
        case schema::Syscall::KILL:
          signo = a1;
          if (a0 > 0) targetPid = a0;
          break;
        case schema::Syscall::TKILL:
          signo = a1;
          targetTid = a0;
          break;
        case schema::Syscall::TGKILL:
        case schema::Syscall::RT_TGSIGQUEUEINFO:
          signo = a2;
          targetPid = a0;
          targetTid = a1;
          break;
        case schema::Syscall::RT_SIGQUEUEINFO:
          signo = a1;
          targetPid = a0;
          break;
        case schema::Syscall::PIDFD_SEND_SIGNAL:
          signo = a1;
          break;
        case schema::Syscall::NONE:
          break;
      }
      insKill_->bind(1, cap)
          .bind(2, t)
          .bind(3, k.getEnterNs())
          .bind(4, ev.getCpu())
          .bind(5, syscallName(k.getSyscall()))
          .bind(6, caller.id)
          .bind(7, ev.getPid())
          .bind(8, ev.getTid())
          .bind(9, ev.getComm().cStr())
          .bind(10, ev.getUid())
          .bind(11, a0)
          .bind(12, a1)
          .bind(13, a2)
          .bind(14, k.getArg3())
          .bind(15, signo);
      if (signo) insKill_->bind(16, names::signalName(static_cast<int>(*signo)));
      insKill_->bind(17, targetPid).bind(18, targetTid).bind(19, k.getRet());
      if (k.getRet() < 0) insKill_->bind(20, names::errnoName(static_cast<int>(-k.getRet())));
      insKill_->bind(21, k.getSignals()).run();
      break;
    }
    case Event::FORK: {
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
        if (f.getChildNsPid()) child.nsPid = f.getChildNsPid();
        if (f.getPidNs()) child.pidNs = f.getPidNs();
        childId = child.id;
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
      break;
    }
    case Event::EXEC: {
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
      break;
    }
    case Event::EXIT: {
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
        break;
      }
      p.exitNs = t;
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
          .bind(9, status.signaled ? "signal" : "exit");
      if (status.signaled) {
        insExit_->bind(11, status.signal)
            .bind(12, names::signalName(status.signal))
            .bind(13, status.coreDumped);
      } else {
        insExit_->bind(10, status.status).bind(13, false);
      }
      insExit_->bind(14, x.getParentPid()).bind(15, parentId).run();
      break;
    }
    case Event::OOM_VICTIM: {
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
      break;
    }
  }
}

void Importer::trailer(schema::Trailer::Reader t) {
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
  // Links that need every row in place, whatever order the events came in.
  static constexpr const char* kLinks[] = {
      // The call that generated a signal: same thread, same syscall entry.
      "UPDATE signals SET kill_call_id = (SELECT k.id FROM kill_calls k"
      " WHERE k.capture_id = signals.capture_id AND k.caller_tid = signals.sender_tid"
      " AND k.enter_ns = signals.call_enter_ns) WHERE capture_id = ?1 AND origin <> 'kernel'",
      // Targets of kill calls (only a pid is known): the instance alive then.
      "UPDATE kill_calls SET target_id = (SELECT p.id FROM processes p"
      " WHERE p.capture_id = kill_calls.capture_id"
      " AND p.pid = COALESCE(kill_calls.target_pid, kill_calls.target_tid)"
      " AND p.start_ns <= kill_calls.enter_ns"
      " AND (p.exit_ns IS NULL OR p.exit_ns >= kill_calls.enter_ns) ORDER BY p.start_ns DESC"
      " LIMIT 1) WHERE capture_id = ?1",
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
