#include "analyze/import/kill_calls.h"

#include "analyze/attribution/kill_target.h"
#include "analyze/store/tables.h"
#include "base/names.h"

namespace sigrec::analyze {

using names::syscallName;
using schema::Event;

KillCalls::KillCalls(RowWriter& rows, ProcessResolver& procs, NameCache& names,
                     SignalTracker& signals, int64_t captureId, int64_t nextId, bool returnsSeen)
    : procs_(procs),
      names_(names),
      signals_(signals),
      captureId_(captureId),
      nextId_(nextId),
      returnsSeen_(returnsSeen),
      insKill_(rows.prepare(store::insertSql("kill_calls"))) {}

void KillCalls::call(Event::Reader ev, ProcessInstance& caller, uint64_t t) {
  auto k = ev.getKillCall();
  int64_t a0 = k.getArg0(), a1 = k.getArg1(), a2 = k.getArg2();
  KillCallArgs args = killCallArgs(k.getSyscall(), a0, a1, a2);
  auto [signo, targetPid, targetTid] = args;
  // target_id: the instance holding that pid at entry, as known now;
  // rows whose answer later events change are recomputed in finish().
  KillTarget target = resolveKillTarget(procs_, caller, args, k.getEnterNs(),
                                        refusedAsNoProcess(k.getRet(), k.getNoReturn()));
  // time_ns is the entry: what 2.x recorders stamp the event with; 1.x ones
  // stamped the exit, so captures of both versions read the same.
  insKill_.bind("capture_id"_col, captureId_)
      .bind("time_ns"_col, k.getEnterNs() != 0 ? k.getEnterNs() : t)
      .bind("enter_ns"_col, k.getEnterNs())
      .bind("cpu"_col, ev.getCpu())
      .bindStatic("syscall"_col, syscallName(k.getSyscall()))
      .bind("caller_id"_col, caller.id)
      .bind("caller_pid"_col, ev.getPid())
      .bind("caller_tid"_col, ev.getTid())
      .bindStatic("caller_comm"_col, ev.getComm().cStr())
      .bind("caller_uid"_col, ev.getUid())
      .bind("arg0"_col, a0)
      .bind("arg1"_col, a1)
      .bind("arg2"_col, a2)
      .bind("arg3"_col, k.getArg3())
      .bind("signo"_col, signo);
  if (signo) insKill_.bindStatic("signal_name"_col, names_.signal(static_cast<int>(*signo)));
  insKill_.bind("target_pid"_col, targetPid).bind("target_tid"_col, targetTid);
  if (returnsSeen_) insKill_.bind("ret"_col, k.getRet());  // else NULL: not seen
  if (returnsSeen_ && k.getRet() < 0)
    insKill_.bindStatic("errno_name"_col, names_.errnoName(static_cast<int>(-k.getRet())));
  const int64_t killId = nextId_++;
  insKill_.bind("signals"_col, k.getSignals())
      .bind("target_id"_col, target.id)
      .bind("id"_col, killId)
      .bind("target_host_pid"_col, target.hostPid)
      .bind("target_host_tid"_col, target.hostTid)
      .bind("returned"_col, !k.getNoReturn())
      .run();
  signals_.killCall({ev.getTid(), k.getEnterNs()}, killId);
}

bool KillCalls::returnsSeen(std::optional<schema::CaptureInfo::Reader> info) {
  if (!info) return true;
  for (auto f : info->getKernelFeatures()) {
    if (f.getName() == "kill_calls") return f.getValue() != "none";
  }
  return true;
}

// Targets of kill calls were written during the load from what was known at
// that point; recomputed here, by the same rule, for the keys whose holders
// changed afterwards and the callers whose namespace was learnt afterwards.
void KillCalls::relinkTargets(Db& db) {
  const auto& keys = procs_.dirtyKeys();
  const auto& callers = procs_.dirtyCallers();
  if (keys.empty() && callers.empty()) return;
  db.exec("CREATE TEMP TABLE IF NOT EXISTS sigan_dirty_numbers (n INTEGER PRIMARY KEY)");
  db.exec("CREATE TEMP TABLE IF NOT EXISTS sigan_dirty_callers (id INTEGER PRIMARY KEY)");
  auto addNumber = db.prepare("INSERT OR IGNORE INTO temp.sigan_dirty_numbers VALUES (?)");
  for (PidKey key : keys) addNumber.bind(1, key.number).run();
  auto addCaller = db.prepare("INSERT INTO temp.sigan_dirty_callers VALUES (?)");
  for (int64_t id : callers) addCaller.bind(1, id).run();
  struct Call {
    int64_t id, callerId, enterNs, ret;
    std::optional<int64_t> pid, tid;
    bool returned;
  };
  std::vector<Call> calls;
  auto select = db.prepare(
      "SELECT id, caller_id, enter_ns, ret, target_pid, target_tid, returned FROM kill_calls"
      " WHERE capture_id = ? AND (target_pid IN temp.sigan_dirty_numbers"
      " OR target_tid IN temp.sigan_dirty_numbers OR caller_id IN temp.sigan_dirty_callers)");
  select.bind(1, captureId_);
  while (select.step())
    calls.push_back({select.getInt("id"), select.getInt("caller_id"), select.getInt("enter_ns"),
                     select.getInt("ret"), select.getOptInt("target_pid"),
                     select.getOptInt("target_tid"), select.getInt("returned") != 0});
  auto update = db.prepare(
      "UPDATE kill_calls SET target_id = :target_id, target_host_pid = :target_host_pid,"
      " target_host_tid = :target_host_tid WHERE id = :id");
  for (const Call& c : calls) {
    KillTarget target =
        resolveKillTarget(procs_, procs_.byId(c.callerId), {std::nullopt, c.pid, c.tid},
                          static_cast<uint64_t>(c.enterNs), refusedAsNoProcess(c.ret, !c.returned));
    update.bind("target_id"_col, target.id)
        .bind("target_host_pid"_col, target.hostPid)
        .bind("target_host_tid"_col, target.hostTid)
        .bind("id"_col, c.id)
        .run();
  }
  db.exec("DROP TABLE temp.sigan_dirty_numbers; DROP TABLE temp.sigan_dirty_callers");
}

}  // namespace sigrec::analyze
