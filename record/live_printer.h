// --print: signals, failed kill calls, failed exits and OOM kills shown as
// they are recorded, killsnoop-style. Runs on the writer thread, from the
// encoded batch, so the drain never formats text (docs/sigrec.md, "Options": --print).
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>

#include "schema/capture.capnp.h"

namespace sigrec::record {

class LivePrinter {
 public:
  enum class Format { kTable, kLogfmt, kJson };

  // Throws std::runtime_error for an unknown format name.
  static Format parseFormat(const std::string& name);

  LivePrinter(Format format, int64_t bootToWallNs, std::FILE* out);
  void print(schema::EventBatch::Reader batch);
  // After a rotation: the new file's offset, so the live view shows what
  // sigan will show for that file.
  void setBootToWallNs(int64_t bootToWallNs) { bootToWallNs_ = bootToWallNs; }

 private:
  struct Line;
  void emit(const Line& line);

  Format format_;
  int64_t bootToWallNs_;
  std::FILE* out_;
  bool headerDone_ = false;
};

}  // namespace sigrec::record
