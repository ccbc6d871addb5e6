// --print: signals, failed kill calls, failed exits and OOM kills shown as
// they are recorded, killsnoop-style, as --print-filter selects them. Runs
// on the writer thread, from the encoded batch, so the drain never formats
// text (docs/sigrec.md, "Live view").
#pragma once

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <string>

#include "record/command_tree.h"
#include "record/live_filter.h"
#include "schema/capture.capnp.h"

namespace sigrec::record {

class LivePrinter {
 public:
  enum class Format { kTable, kLogfmt, kJson };

  // Throws std::runtime_error for an unknown format name.
  static Format parseFormat(const std::string& name);

  LivePrinter(Format format, LiveFilter filter, int64_t bootToWallNs, std::FILE* out);
  // The command's pid, from the thread that started it, before the first
  // batch holding its events is handed to the writer thread.
  void setCommandPid(uint32_t pid) { commandPid_.store(pid); }
  void print(schema::EventBatch::Reader batch);
  // After a rotation: the new file's offset, so the live view shows what
  // sigan will show for that file.
  void setBootToWallNs(int64_t bootToWallNs) { bootToWallNs_ = bootToWallNs; }

 private:
  struct Line;
  static Line lineOf(schema::Event::Reader e);
  void emit(const Line& line);

  Format format_;
  LiveFilter filter_;
  CommandTree tree_;                     // writer thread only
  std::atomic<uint32_t> commandPid_{0};  // not yet in tree_
  int64_t bootToWallNs_;
  std::FILE* out_;
  bool headerDone_ = false;
};

}  // namespace sigrec::record
