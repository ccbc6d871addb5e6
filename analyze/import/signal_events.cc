#include "analyze/import/signal_events.h"

#include <nlohmann/json.hpp>

#include <csignal>

#include "analyze/attribution/cause.h"
#include "analyze/attribution/exit_links.h"
#include "analyze/store/tables.h"
#include "base/names.h"

namespace sigrec::analyze {

using names::dispositionName;
using names::infoKindName;
using names::syscallName;
using schema::Event;

SignalEvents::SignalEvents(RowWriter& rows, ProcessResolver& procs, NameCache& names,
                           int64_t captureId, int64_t nextSignalId, int64_t nextDeliveryId)
    : procs_(procs),
      names_(names),
      captureId_(captureId),
      nextSignalId_(nextSignalId),
      nextDeliveryId_(nextDeliveryId),
      insSignal_(rows.prepare(store::insertSql("signals"))),
      insDelivery_(rows.prepare(store::insertSql("deliveries"))),
      updSignalDelivery_(rows.prepare(
          "UPDATE signals SET delivery_id = :delivery_id, delivered_ns = :delivered_ns,"
          " disposition = :disposition WHERE id = :id")) {}

void SignalEvents::write(const SignalRow& r) {
  QueuedStatement& st = insSignal_;
  st.bind("id"_col, r.id)
      .bind("capture_id"_col, captureId_)
      .bind("time_ns"_col, r.timeNs)
      .bind("cpu"_col, r.cpu)
      .bind("signo"_col, r.signo)
      .bindStatic("signal_name"_col, *r.signalName)
      .bind("code"_col, r.code)
      .bindStatic("code_name"_col, *r.codeName)
      .bindStatic("origin"_col, r.origin)
      .bind("sender_id"_col, r.senderId)
      .bind("sender_pid"_col, r.senderPid)
      .bind("sender_tid"_col, r.senderTid)
      .bindStatic("sender_comm"_col, r.senderComm)
      .bind("sender_uid"_col, r.senderUid)
      .bind("target_id"_col, r.targetId)
      .bind("target_pid"_col, r.targetPid)
      .bind("target_tid"_col, r.targetTid)
      .bindStatic("target_comm"_col, r.targetComm)
      .bind("target_cgroup_id"_col, r.targetCgroupId)
      .bind("group_directed"_col, r.group)
      .bind("result"_col, r.result)
      .bindStatic("result_name"_col, *r.resultName);
  if (r.bySyscall) st.bind("call_enter_ns"_col, r.callEnterNs);
  st.bind("kill_call_id"_col, r.killCallId);
  st.bindStatic("info_kind"_col, r.infoKind);
  if (r.siginfo) {
    st.bind("info_pid"_col, r.infoPid)
        .bind("info_uid"_col, r.infoUid)
        .bind("info_status"_col, r.infoStatus)
        .bind("info_addr"_col, r.infoAddr);
  }
  if (r.deliveryId) {
    st.bind("delivery_id"_col, *r.deliveryId)
        .bind("delivered_ns"_col, r.deliveredNs)
        .bindStatic("disposition"_col, r.disposition);
  }
  st.bind("cause"_col, store::orNull(r.cause))
      .bind("cause_pid"_col, r.causePid)
      .bind("cause_tid"_col, r.causeTid)
      .bind("cause_detail"_col, store::orNull(r.causeDetail))
      .bind("forged_siginfo"_col, r.forged)
      .bind("actor_exiting"_col, r.actorExiting)
      .bind("actor_ns_init"_col, r.actorNsInit)
      .bind("target_pdeath"_col, r.targetPdeath)
      .bind("actor_syscall"_col, r.actorSyscall)
      .bind("actor_ns_pid"_col, r.actorNsPid)
      .bind("actor_cgroup_id"_col, r.actorCgroupId)
      .bind("actor_cgroup"_col, store::orNull(r.actorCgroup))
      .bind("target_cgroup"_col, store::orNull(r.targetCgroup))
      .bind("target_memory_cgroup"_col, store::orNull(r.targetMemoryCgroup))
      .bind("kernel_stack"_col, store::orNull(r.kernelStack));
  // SIGSYS's siginfo carries the refused syscall and its audit arch.
  if (r.signo == SIGSYS && r.siginfo)
    st.bind("info_syscall"_col, r.infoSyscall).bind("info_arch"_col, r.infoArch);
  st.run();
}

// The target of a generated signal, with what the event says about it.
ProcessInstance& SignalEvents::targetOf(Event::SignalGenerate::Reader g, uint64_t t) {
  ProcessInstance& target = procs_.byStart(g.getTargetPid(), g.getTargetStartNs());
  target.seen(t);
  if (target.comm.empty() || g.getTargetTid() == g.getTargetPid()) {
    if (target.comm.empty() || t >= target.commNs) {
      target.comm = g.getTargetComm().cStr();
      target.commNs = t;
    }
  }
  if (!target.cgroupId) target.cgroupId = g.getTargetCgroupId();
  if (g.getTargetCgroup().size()) target.cgroup = g.getTargetCgroup().cStr();
  return target;
}

namespace {

SignalFacts factsOf(Event::Reader ev, const SignalRow& r) {
  auto g = ev.getSignalGenerate();
  SignalFacts f;
  f.signo = r.signo;
  f.code = r.code;
  f.group = r.group;
  f.info = g.getInfoKind() == schema::InfoKind::SIGINFO ? SignalFacts::Info::kSiginfo
           : g.getInfoKind() == schema::InfoKind::PRIV  ? SignalFacts::Info::kPriv
                                                        : SignalFacts::Info::kNone;
  if (r.bySyscall) f.syscall = r.origin;
  f.actorPid = r.senderPid;
  f.actorTid = r.senderTid;
  f.actorNsPid = g.getActorNsPid();
  f.actorUid = r.senderUid;
  f.targetPid = r.targetPid;
  f.targetTid = r.targetTid;
  f.actorExiting = g.getActorExiting();
  f.actorNsInit = g.getActorNsInit();
  f.targetPdeath = g.getTargetPdeath();
  f.actorSyscall = g.getActorSyscall();
  f.infoPid = r.infoPid;
  f.infoUid = r.infoUid;
  f.infoStatus = r.infoStatus;
  f.infoAddr = r.infoAddr;
  f.infoSyscall = g.getInfoSyscall();
  f.codeName = *r.codeName;
  f.targetCgroup = g.getTargetCgroup().cStr();
  f.targetMemoryCgroup = g.getTargetMemoryCgroup().cStr();
  for (auto frame : g.getKernelStack()) f.stack.emplace_back(frame.cStr());
  return f;
}

}  // namespace

// The facts as stored, and the cause decided from them.
void SignalEvents::setCause(Event::Reader ev, SignalRow& r) {
  auto g = ev.getSignalGenerate();
  SignalFacts f = factsOf(ev, r);
  Cause c = decideCause(f);
  r.cause = std::move(c.cause);
  r.causePid = c.pid;
  r.causeTid = c.tid;
  r.causeDetail = std::move(c.detail);
  r.forged = c.forged;
  if (!g.getActorFactsSkipped()) {
    r.actorExiting = f.actorExiting;
    r.actorNsInit = f.actorNsInit;
    r.targetPdeath = f.targetPdeath;
    if (f.actorSyscall >= -1) r.actorSyscall = f.actorSyscall;
    r.actorNsPid = g.getActorNsPid();
  }
  r.actorCgroupId = g.getActorCgroupId();
  r.actorCgroup = g.getActorCgroup().cStr();
  r.targetCgroup = std::move(f.targetCgroup);
  r.targetMemoryCgroup = std::move(f.targetMemoryCgroup);
  if (!f.stack.empty()) r.kernelStack = nlohmann::json(f.stack).dump();
  r.infoSyscall = f.infoSyscall;
  r.infoArch = g.getInfoArch();
}

void SignalEvents::generated(Event::Reader ev, ProcessInstance& sender, uint64_t t) {
  auto g = ev.getSignalGenerate();
  ProcessInstance& target = targetOf(g, t);
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
  setCause(ev, r);
  tracker_.generated(std::move(r));
}

void SignalEvents::passedOver(Event::Reader ev, uint64_t t) {
  auto g = ev.getSignalGenerate();
  targetOf(g, t);
  // The pointers a row reads that the capture reader does not check: a
  // frame that cannot be decoded fails at the same event as in the full
  // import (and the focused import is then redone in full).
  (void)g.getTargetMemoryCgroup();
  (void)g.getActorCgroup();
  for (auto frame : g.getKernelStack()) (void)frame;
}

void SignalEvents::delivered(Event::Reader ev, ProcessInstance& receiver, uint64_t t) {
  auto d = ev.getSignalDeliver();
  std::optional<int64_t> signalId = tracker_.matchDelivery(receiver.id, d.getSignal(), ev.getTid());
  const char* disposition = dispositionName(d.getDisposition());
  const int64_t deliveryId = nextDeliveryId_++;
  insDelivery_.bind("capture_id"_col, captureId_)
      .bind("time_ns"_col, t)
      .bind("cpu"_col, ev.getCpu())
      .bind("process_id"_col, receiver.id)
      .bind("pid"_col, ev.getPid())
      .bind("tid"_col, ev.getTid())
      .bindStatic("comm"_col, ev.getComm().cStr())
      .bind("signo"_col, d.getSignal())
      .bindStatic("signal_name"_col, names_.signal(d.getSignal()))
      .bind("code"_col, d.getCode())
      .bindStatic("code_name"_col, names_.code(d.getSignal(), d.getCode()))
      .bindStatic("disposition"_col, disposition)
      .bind("sa_flags"_col, d.getSaFlags())
      .bindStatic("info_kind"_col, infoKindName(d.getInfoKind()))
      .bind("signal_id"_col, signalId)
      .bind("id"_col, deliveryId);
  if (!signalId && d.getSignal() == SIGKILL && d.getInfoKind() != schema::InfoKind::SIGINFO)
    insDelivery_.bindStatic("cause"_col, kGroupExitCause);
  insDelivery_.run();
  if (signalId && !tracker_.delivered(*signalId, deliveryId, t, disposition)) {
    updSignalDelivery_.bind("delivery_id"_col, deliveryId)
        .bind("delivered_ns"_col, t)
        .bindStatic("disposition"_col, disposition)
        .bind("id"_col, *signalId)
        .run();
  }
}

}  // namespace sigrec::analyze
