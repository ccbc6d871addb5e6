// The info frame every capture file starts with (docs/capture-format.md,
// "Records"): the machine, sigrec's settings, when recording started.
#pragma once

#include <cstdint>

#include "record/capture_files.h"
#include "record/options.h"
#include "record/probes.h"
#include "schema/capture_writer.h"

namespace sigrec::record {

// START_NS: when the events of this file may begin (probes attached, or a
// flight-recorder window opened); FILE: its number and boot-to-wall offset.
void writeInfo(capture::CaptureWriter& writer, const Options& opt, const ProbeSettings& settings,
               uint64_t startNs, const FileStart& file);

}  // namespace sigrec::record
