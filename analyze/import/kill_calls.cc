#include "analyze/import/kill_calls.h"

#include "analyze/attribution/kill_target.h"
#include "analyze/store/tables.h"
#include "schema/names.h"

namespace sigrec::analyze {

using names::syscallName;
using schema::Event;

KillCalls::KillCalls(RowWriter& rows, ProcessResolver& procs, NameCache& names,
                     SignalTracker& signals, int64_t captureId, int64_t nextId)
    : procs_(procs),
      names_(names),
      signals_(signals),
      captureId_(captureId),
      nextId_(nextId),
      insKill_(rows.prepare(store::insertSql(
          "kill_calls",
          "capture_id time_ns enter_ns cpu syscall caller_id caller_pid caller_tid "
          "caller_comm caller_uid arg0 arg1 arg2 arg3 signo signal_name target_pid "
          "target_tid ret errno_name signals target_id id target_host_pid target_host_tid "
          "returned"))) {}

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
  insKill_.bind(1, captureId_)
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
  if (signo) insKill_.bindStatic(16, names_.signal(static_cast<int>(*signo)));
  insKill_.bind(17, targetPid).bind(18, targetTid).bind(19, k.getRet());
  if (k.getRet() < 0) insKill_.bindStatic(20, names_.errnoName(static_cast<int>(-k.getRet())));
  const int64_t killId = nextId_++;
  insKill_.bind(21, k.getSignals())
      .bind(22, target.id)
      .bind(23, killId)
      .bind(24, target.hostPid)
      .bind(25, target.hostTid)
      .bind(26, !k.getNoReturn())
      .run();
  signals_.killCall({ev.getTid(), k.getEnterNs()}, killId);
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
    calls.push_back({select.getInt(0), select.getInt(1), select.getInt(2), select.getInt(3),
                     select.getOptInt(4), select.getOptInt(5), select.getInt(6) != 0});
  auto update = db.prepare(
      "UPDATE kill_calls SET target_id = ?, target_host_pid = ?, target_host_tid = ? WHERE id = ?");
  for (const Call& c : calls) {
    KillTarget target =
        resolveKillTarget(procs_, procs_.byId(c.callerId), {std::nullopt, c.pid, c.tid},
                          static_cast<uint64_t>(c.enterNs), refusedAsNoProcess(c.ret, !c.returned));
    update.bind(1, target.id).bind(2, target.hostPid).bind(3, target.hostTid).bind(4, c.id).run();
  }
  db.exec("DROP TABLE temp.sigan_dirty_numbers; DROP TABLE temp.sigan_dirty_callers");
}

}  // namespace sigrec::analyze
