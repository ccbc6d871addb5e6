#include "analyze/attribution/alive_at.h"

#include <vector>

namespace sigrec::analyze {

void linkOomVictims(Db& db, ProcessResolver& procs, int64_t captureId) {
  struct Victim {
    int64_t id;
    uint32_t pid;
    uint64_t timeNs;
  };
  std::vector<Victim> victims;
  auto select =
      db.prepare("SELECT id, victim_pid, time_ns FROM oom_kills WHERE capture_id = :capture_id");
  select.bind("capture_id"_col, captureId);
  while (select.step())
    victims.push_back({select.getInt("id"), static_cast<uint32_t>(select.getInt("victim_pid")),
                       static_cast<uint64_t>(select.getInt("time_ns"))});
  auto update = db.prepare("UPDATE oom_kills SET victim_id = :victim_id WHERE id = :id");
  for (const Victim& v : victims) {
    const ProcessInstance* p = procs.atTime(v.pid, v.timeNs);
    update.bind("id"_col, v.id);
    if (p) update.bind("victim_id"_col, p->id);
    update.run();
  }
}

}  // namespace sigrec::analyze
