// Turns one raw ring-buffer record (bpf/events.h) into a capture Event.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "record/cgroup_resolver.h"
#include "record/kernel_symbols.h"
#include "record/redaction.h"
#include "schema/capture.capnp.h"

namespace sigrec::record {

// What encoding needs besides the record: how to redact command lines, and
// how to name cgroup ids and kernel addresses, read from this machine when
// first needed. Used by one thread (the capture writer's).
class EncodeContext {
 public:
  explicit EncodeContext(Redaction redaction = Redaction::kNone, bool resolveNames = true)
      : redaction_(redaction), resolveNames_(resolveNames) {}

  Redaction redaction() const { return redaction_; }
  const std::string& cgroupPath(uint64_t id);
  const std::string& memoryCgroupPath(uint64_t id);
  std::vector<std::string> stack(const uint64_t* addrs, size_t count);

 private:
  CgroupResolver& cgroups();

  Redaction redaction_;
  bool resolveNames_;
  std::optional<CgroupResolver> cgroups_;
  std::optional<KernelSymbols> symbols_;
};

// True if DATA is a whole record of a known kind. The caller counts records
// that are not as dropped (never silently) and encodes only the others.
bool isWholeRecord(const void* data, size_t size);

// Fills EVENT from a record that passed isWholeRecord, with CONTEXT.
void encodeEvent(const void* data, size_t size, schema::Event::Builder event,
                 EncodeContext& context);

}  // namespace sigrec::record
