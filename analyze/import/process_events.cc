#include "analyze/import/process_events.h"

#include "analyze/import_names.h"
#include "analyze/store/tables.h"
#include "schema/names.h"

namespace sigrec::analyze {

using schema::Event;

ProcessEvents::ProcessEvents(RowWriter& rows, ProcessResolver& procs, NameCache& names,
                             int64_t captureId)
    : procs_(procs),
      names_(names),
      captureId_(captureId),
      insFork_(rows.prepare(store::insertSql(
          "forks",
          "capture_id time_ns cpu parent_id parent_pid parent_tid parent_comm child_id "
          "child_pid child_tid child_start_ns thread child_ns_pid child_ns_tid pid_ns "
          "child_cgroup_id child_cgroup"))),
      insExec_(rows.prepare(store::insertSql(
          "execs",
          "capture_id time_ns cpu process_id pid tid old_tid uid comm filename cmdline "
          "argv args_truncated filename_truncated args_unreadable cgroup_id cgroup"))),
      insExit_(rows.prepare(store::insertSql(
          "exits",
          "capture_id time_ns cpu process_id pid tid comm exit_code reason exit_status "
          "signo signal_name core_dumped parent_pid parent_id"))),
      insThreadExit_(rows.prepare(store::insertSql(
          "thread_exits", "capture_id time_ns cpu process_id pid tid comm exit_code"))),
      insOom_(rows.prepare(store::insertSql(
          "oom_kills",
          "capture_id time_ns cpu victim_pid victim_uid trigger_id trigger_pid "
          "trigger_tid trigger_comm total_vm_kb anon_rss_kb file_rss_kb shmem_rss_kb "
          "pgtables_kb oom_score_adj"))) {}

void ProcessEvents::fork(Event::Reader ev, ProcessInstance& parent, uint64_t t) {
  auto f = ev.getFork();
  int64_t childId = parent.id;
  if (!f.getThread()) {
    ProcessInstance& child = procs_.byStart(f.getChildPid(), f.getChildStartNs());
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
    if (f.hasChildCgroup() && f.getChildCgroup().size()) child.cgroup = f.getChildCgroup().cStr();
    procs_.setNamespace(child, f.getPidNs(), f.getChildNsPid(), true);
    childId = child.id;
  } else {
    procs_.addThread(parent, f.getChildTid(), t, f.getPidNs(), f.getChildNsTid());
  }
  insFork_.bind(1, captureId_)
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
      .bind(17, std::string_view(f.getChildCgroup().cStr()))
      .run();
}

void ProcessEvents::exec(Event::Reader ev, ProcessInstance& p, uint64_t t) {
  auto x = ev.getExec();
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
    if (x.getCgroup().size()) p.cgroup = x.getCgroup().cStr();
  }
  insExec_.bind(1, captureId_)
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
      .bind(17, std::string_view(x.getCgroup().cStr()))
      .run();
}

void ProcessEvents::exit(Event::Reader ev, ProcessInstance& p, uint64_t t) {
  auto x = ev.getExit();
  if (!x.getGroupDead()) {
    insThreadExit_.bind(1, captureId_)
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
  procs_.setExit(p, t);
  std::optional<int64_t> parentId;
  if (x.getParentPid() != 0) {
    parentId = procs_.byStart(x.getParentPid(), x.getParentStartNs()).id;
    if (!p.ppid) {
      p.ppid = x.getParentPid();
      p.parentStartNs = x.getParentStartNs();
    }
  }
  names::ExitStatus status = names::decodeExitCode(x.getExitCode());
  insExit_.bind(1, captureId_)
      .bind(2, t)
      .bind(3, ev.getCpu())
      .bind(4, p.id)
      .bind(5, ev.getPid())
      .bind(6, ev.getTid())
      .bind(7, p.comm)
      .bind(8, x.getExitCode())
      .bindStatic(9, status.signaled ? "signal" : "exit");
  if (status.signaled) {
    insExit_.bind(11, status.signal)
        .bindStatic(12, names_.signal(status.signal))
        .bind(13, status.coreDumped);
  } else {
    insExit_.bind(10, status.status).bind(13, false);
  }
  insExit_.bind(14, x.getParentPid()).bind(15, parentId).run();
}

void ProcessEvents::oomVictim(Event::Reader ev, ProcessInstance& trigger, uint64_t t) {
  auto o = ev.getOomVictim();
  insOom_.bind(1, captureId_)
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

}  // namespace sigrec::analyze
