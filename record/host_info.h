// Capture metadata about the recording machine (docs/capture-format.md, "Records").
#pragma once

#include <cstdint>

#include "schema/capture.capnp.h"

namespace sigrec::record {

// Boot clock (CLOCK_BOOTTIME), the clock BPF timestamps use, in ns.
uint64_t bootNowNs();

// Fills host name, kernel, machine, boot id, BOOT_TO_WALL_NS (measured by the
// caller when the file starts) and USER_HZ. The caller sets recorder-specific
// fields.
void fillHostInfo(schema::CaptureInfo::Builder info, int64_t bootToWallNs);

}  // namespace sigrec::record
