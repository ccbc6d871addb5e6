// sigrec --flight-recorder: the recording loop around a FlightRecorder.
#pragma once

#include "record/options.h"

namespace sigrec::record {

// Records into memory until SIGINT/SIGTERM or --duration, writing a dump
// into the output directory on each trigger; returns sigrec's exit status.
// Throws RecordError or capture::CaptureError before recording starts.
int runFlightSession(const Options& options);

}  // namespace sigrec::record
