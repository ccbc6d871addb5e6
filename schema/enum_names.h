// Text for the enumerations of the capture format (capture.capnp), as sigan
// stores them, sigrec --print shows them and the bench keys them: one table
// for all three.
#pragma once

#include <string>

#include "schema/capture.capnp.h"

namespace sigrec::names {

// "kill", "tgkill", ...; "none" outside a call.
const char* syscallName(schema::Syscall call);
const char* probeName(schema::Probe probe);
const char* infoKindName(schema::InfoKind kind);
const char* dispositionName(schema::Disposition d);
// signal_generate's result: delivered, ignored, already_pending, ...; the
// number as text when unknown.
std::string generateResultName(int result);

}  // namespace sigrec::names
