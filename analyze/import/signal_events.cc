#include "analyze/import/signal_events.h"

#include <nlohmann/json.hpp>

#include "analyze/attribution/cause.h"
#include "analyze/store/tables.h"
#include "schema/names.h"

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
      insSignal_(rows.prepare(store::insertSql(
          "signals",
          "id capture_id time_ns cpu signo signal_name code code_name origin sender_id "
          "sender_pid sender_tid sender_comm sender_uid target_id target_pid target_tid "
          "target_comm target_cgroup_id group_directed result result_name call_enter_ns "
          "kill_call_id info_kind info_pid info_uid info_status info_addr delivery_id "
          "delivered_ns disposition cause cause_pid cause_tid cause_detail forged_siginfo "
          "actor_exiting actor_ns_init target_pdeath actor_syscall actor_ns_pid "
          "actor_cgroup_id actor_cgroup target_cgroup target_memory_cgroup kernel_stack "
          "info_syscall info_arch"))),
      insDelivery_(rows.prepare(
          store::insertSql("deliveries",
                           "capture_id time_ns cpu process_id pid tid comm signo signal_name code "
                           "code_name disposition sa_flags info_kind signal_id id"))),
      updSignalDelivery_(rows.prepare(
          "UPDATE signals SET delivery_id=?, delivered_ns=?, disposition=? WHERE id=?")) {}

void SignalEvents::write(const SignalRow& r) {
  QueuedStatement& st = insSignal_;
  st.bind(1, r.id)
      .bind(2, captureId_)
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
  auto text = [&](int index, const std::string& value) {
    if (!value.empty()) st.bind(index, value);
  };
  text(33, r.cause);
  st.bind(34, r.causePid).bind(35, r.causeTid);
  text(36, r.causeDetail);
  st.bind(37, r.forged)
      .bind(38, r.actorExiting)
      .bind(39, r.actorNsInit)
      .bind(40, r.targetPdeath)
      .bind(41, r.actorSyscall)
      .bind(42, r.actorNsPid)
      .bind(43, r.actorCgroupId);
  text(44, r.actorCgroup);
  text(45, r.targetCgroup);
  text(46, r.targetMemoryCgroup);
  text(47, r.kernelStack);
  if (r.signo == 31 && r.siginfo) st.bind(48, r.infoSyscall).bind(49, r.infoArch);
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
  r.actorExiting = f.actorExiting;
  r.actorNsInit = f.actorNsInit;
  r.targetPdeath = f.targetPdeath;
  if (f.actorSyscall >= -1) r.actorSyscall = f.actorSyscall;
  r.actorNsPid = g.getActorNsPid();
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

void SignalEvents::delivered(Event::Reader ev, ProcessInstance& receiver, uint64_t t) {
  auto d = ev.getSignalDeliver();
  std::optional<int64_t> signalId = tracker_.matchDelivery(receiver.id, d.getSignal(), ev.getTid());
  const char* disposition = dispositionName(d.getDisposition());
  const int64_t deliveryId = nextDeliveryId_++;
  insDelivery_.bind(1, captureId_)
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
  if (signalId && !tracker_.delivered(*signalId, deliveryId, t, disposition)) {
    updSignalDelivery_.bind(1, deliveryId)
        .bind(2, t)
        .bindStatic(3, disposition)
        .bind(4, *signalId)
        .run();
  }
}

}  // namespace sigrec::analyze
