#include "analyze/import/capture_registry.h"

#include <fmt/format.h>

#include "analyze/import_names.h"
#include "analyze/store/tables.h"

namespace sigrec::analyze {

std::string captureKey(std::optional<schema::CaptureInfo::Reader> info,
                       const std::filesystem::path& path) {
  if (!info) return "noinfo:" + std::filesystem::absolute(path).string();
  return fmt::format("{}/{}/{}/{}", info->getHostname().cStr(), info->getBootId().cStr(),
                     info->getStartBootNs(), info->getFileSequence());
}

CaptureClaim claimCapture(Db& db, const std::string& key, uint64_t fileSize) {
  auto existing = db.prepare("SELECT id, file_size FROM captures WHERE capture_key=?");
  existing.bind(1, key);
  CaptureClaim claim;
  if (!existing.step()) return claim;
  if (fileSize <= static_cast<uint64_t>(existing.getInt(1))) {
    claim.skipped = true;
    claim.existingId = existing.getInt(0);
    return claim;
  }
  deleteCapture(db, existing.getInt(0));
  claim.replaced = true;
  return claim;
}

void deleteCapture(Db& db, int64_t id) {
  for (const store::Table& t : store::tables()) {
    if (!store::perCapture(t)) continue;
    db.prepare(fmt::format("DELETE FROM {} WHERE capture_id = ?", t.name)).bind(1, id).run();
  }
  db.prepare("DELETE FROM captures WHERE id = ?").bind(1, id).run();
}

int64_t insertCapture(Db& db, const NewCapture& c,
                      std::optional<schema::CaptureInfo::Reader> info) {
  auto ins = db.prepare(
      "INSERT INTO captures (capture_key, path, file_size, format_version, hostname,"
      " kernel_release, kernel_version, machine, boot_id, boot_to_wall_ns, recorder_version,"
      " recorder_args, command, start_ns, clock_ticks_per_second, signal_mask, filter_pid,"
      " filter_cgroup_id, threads, ring_buffer_bytes, file_sequence, kernel_features, imported_at)"
      " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,"
      " strftime('%Y-%m-%dT%H:%M:%SZ','now'))");
  ins.bind(1, c.key).bind(2, c.path).bind(3, c.fileSize).bind(4, c.formatVersion);
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
        .bind(21, info->getFileSequence())
        .bind(22, featuresJson(info->getKernelFeatures()));
  } else {
    ins.bind(10, int64_t{0});
  }
  ins.run();
  return db.lastInsertId();
}

}  // namespace sigrec::analyze
