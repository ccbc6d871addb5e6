#include "analyze/import/process_events.h"

#include "analyze/import/import_names.h"
#include "analyze/store/tables.h"
#include "base/names.h"

namespace sigrec::analyze {

using schema::Event;

ProcessEvents::ProcessEvents(RowWriter& rows, ProcessResolver& procs, NameCache& names,
                             int64_t captureId, const WhoKilledFocus* focus)
    : procs_(procs),
      names_(names),
      captureId_(captureId),
      focus_(focus),
      insFork_(rows.prepare(store::insertSql("forks"))),
      insExec_(rows.prepare(store::insertSql("execs"))),
      insExit_(rows.prepare(store::insertSql("exits"))),
      insThreadExit_(rows.prepare(store::insertSql("thread_exits"))),
      insOom_(rows.prepare(store::insertSql("oom_kills"))) {}

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
  if (!rowOf(ev)) return;
  insFork_.bind("capture_id"_col, captureId_)
      .bind("time_ns"_col, t)
      .bind("cpu"_col, ev.getCpu())
      .bind("parent_id"_col, parent.id)
      .bind("parent_pid"_col, ev.getPid())
      .bind("parent_tid"_col, ev.getTid())
      .bind("parent_comm"_col, ev.getComm().cStr())
      .bind("child_id"_col, childId)
      .bind("child_pid"_col, f.getChildPid())
      .bind("child_tid"_col, f.getChildTid())
      .bind("child_start_ns"_col, f.getChildStartNs())
      .bind("thread"_col, f.getThread())
      .bind("child_ns_pid"_col, f.getChildNsPid())
      .bind("child_ns_tid"_col, f.getChildNsTid())
      .bind("pid_ns"_col, f.getPidNs())
      .bind("child_cgroup_id"_col, f.getChildCgroupId())
      .bind("child_cgroup"_col, std::string_view(f.getChildCgroup().cStr()))
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
  if (!rowOf(ev)) return;
  insExec_.bind("capture_id"_col, captureId_)
      .bind("time_ns"_col, t)
      .bind("cpu"_col, ev.getCpu())
      .bind("process_id"_col, p.id)
      .bind("pid"_col, ev.getPid())
      .bind("tid"_col, ev.getTid())
      .bind("old_tid"_col, x.getOldTid())
      .bind("uid"_col, ev.getUid())
      .bind("comm"_col, ev.getComm().cStr())
      .bind("filename"_col, x.getFilename().cStr())
      .bind("cmdline"_col, cmdline)
      .bind("argv"_col, argsJson(x.getArgv()))
      .bind("args_truncated"_col, x.getArgsTruncated())
      .bind("filename_truncated"_col, x.getFilenameTruncated())
      .bind("args_unreadable"_col, x.getArgsUnreadable())
      .bind("cgroup_id"_col, x.getCgroupId())
      .bind("cgroup"_col, std::string_view(x.getCgroup().cStr()))
      .run();
}

void ProcessEvents::exit(Event::Reader ev, ProcessInstance& p, uint64_t t) {
  auto x = ev.getExit();
  if (!x.getGroupDead()) {
    if (!rowOf(ev)) return;
    insThreadExit_.bind("capture_id"_col, captureId_)
        .bind("time_ns"_col, t)
        .bind("cpu"_col, ev.getCpu())
        .bind("process_id"_col, p.id)
        .bind("pid"_col, ev.getPid())
        .bind("tid"_col, ev.getTid())
        .bind("comm"_col, ev.getComm().cStr())
        .bind("exit_code"_col, x.getExitCode())
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
  if (!rowOf(ev)) return;
  names::ExitStatus status = names::decodeExitCode(x.getExitCode());
  insExit_.bind("capture_id"_col, captureId_)
      .bind("time_ns"_col, t)
      .bind("cpu"_col, ev.getCpu())
      .bind("process_id"_col, p.id)
      .bind("pid"_col, ev.getPid())
      .bind("tid"_col, ev.getTid())
      .bind("comm"_col, p.comm)
      .bind("exit_code"_col, x.getExitCode())
      .bindStatic("reason"_col, status.signaled ? "signal" : "exit");
  if (status.signaled) {
    insExit_.bind("signo"_col, status.signal)
        .bindStatic("signal_name"_col, names_.signal(status.signal))
        .bind("core_dumped"_col, status.coreDumped);
  } else {
    insExit_.bind("exit_status"_col, status.status).bind("core_dumped"_col, false);
  }
  insExit_.bind("parent_pid"_col, x.getParentPid()).bind("parent_id"_col, parentId).run();
}

void ProcessEvents::oomVictim(Event::Reader ev, ProcessInstance& trigger, uint64_t t) {
  auto o = ev.getOomVictim();
  insOom_.bind("capture_id"_col, captureId_)
      .bind("time_ns"_col, t)
      .bind("cpu"_col, ev.getCpu())
      .bind("victim_pid"_col, o.getVictimPid())
      .bind("victim_uid"_col, o.getVictimUid())
      .bind("trigger_id"_col, trigger.id)
      .bind("trigger_pid"_col, ev.getPid())
      .bind("trigger_tid"_col, ev.getTid())
      .bind("trigger_comm"_col, ev.getComm().cStr())
      .bind("total_vm_kb"_col, o.getTotalVmKb())
      .bind("anon_rss_kb"_col, o.getAnonRssKb())
      .bind("file_rss_kb"_col, o.getFileRssKb())
      .bind("shmem_rss_kb"_col, o.getShmemRssKb())
      .bind("pgtables_kb"_col, o.getPgtablesKb())
      .bind("oom_score_adj"_col, o.getOomScoreAdj())
      .run();
}

}  // namespace sigrec::analyze
