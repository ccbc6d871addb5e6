#include "analyze/import/capture_registry.h"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <ctime>

#include "analyze/import/import_names.h"
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
  if (fileSize <= static_cast<uint64_t>(existing.getInt("file_size"))) {
    claim.skipped = true;
    claim.existingId = existing.getInt("id");
    return claim;
  }
  deleteCapture(db, existing.getInt("id"));
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
  auto ins = db.prepare(store::insertSql("captures"));
  ins.bind("imported_at"_col, fmt::format("{:%Y-%m-%dT%H:%M:%SZ}", fmt::gmtime(std::time(nullptr))))
      .bind("trailer"_col, 0);  // until the trailer is read
  ins.bind("capture_key"_col, c.key)
      .bind("path"_col, c.path)
      .bind("file_size"_col, c.fileSize)
      .bind("format_version"_col, c.formatVersion);
  if (info) {
    ins.bind("hostname"_col, info->getHostname().cStr())
        .bind("kernel_release"_col, info->getKernelRelease().cStr())
        .bind("kernel_version"_col, info->getKernelVersion().cStr())
        .bind("machine"_col, info->getMachine().cStr())
        .bind("boot_id"_col, info->getBootId().cStr())
        .bind("boot_to_wall_ns"_col, static_cast<int64_t>(info->getBootToWallNs()))
        .bind("recorder_version"_col, info->getRecorderVersion().cStr())
        .bind("recorder_args"_col, argsJson(info->getRecorderArgs()))
        .bind("command"_col, joinArgs(info->getCommand()))
        .bind("start_ns"_col, info->getStartBootNs())
        .bind("clock_ticks_per_second"_col, info->getClockTicksPerSecond())
        .bind("signal_mask"_col, info->getSignalMask())
        .bind("filter_pid"_col, info->getFilterPid())
        .bind("filter_cgroup_id"_col, info->getFilterCgroupId())
        .bind("threads"_col, info->getThreads())
        .bind("ring_buffer_bytes"_col, info->getRingBufferBytes())
        .bind("file_sequence"_col, info->getFileSequence())
        .bind("kernel_features"_col, featuresJson(info->getKernelFeatures()));
  } else {
    ins.bind("boot_to_wall_ns"_col, int64_t{0});
  }
  ins.run();
  return db.lastInsertId();
}

}  // namespace sigrec::analyze
