// Capture metadata about the recording machine (docs/capture-format.md, "Records").
#pragma once

#include <cstdint>

#include "schema/capture.capnp.h"

namespace sigrec::record {

// Boot clock (CLOCK_BOOTTIME), the clock BPF timestamps use, in ns.
uint64_t bootNowNs();

// Wall-clock ns since the epoch minus boot-clock ns, now.
int64_t bootToWallNs();

// Fills host name, kernel, machine, boot id, the boot-to-wall offset and
// USER_HZ. The caller sets recorder-specific fields.
void fillHostInfo(schema::CaptureInfo::Builder info);

}  // namespace sigrec::record
