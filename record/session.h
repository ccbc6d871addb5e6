// One recording, from the checks to the trailer.
#pragma once

#include "record/options.h"

namespace sigrec::record {

// Records as OPTIONS say and returns sigrec's exit status. Throws
// RecordError or capture::CaptureError for failures before recording starts.
int runSession(const Options& options);

}  // namespace sigrec::record
