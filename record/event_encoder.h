// Turns one raw ring-buffer record (bpf/events.h) into a capture Event.
#pragma once

#include <cstddef>
#include <cstdint>

#include "record/redaction.h"
#include "schema/capture.capnp.h"

namespace sigrec::record {

// True if DATA is a whole record of a known kind. The caller counts records
// that are not as dropped (never silently) and encodes only the others.
bool isWholeRecord(const void* data, size_t size);

// Fills EVENT from a record that passed isWholeRecord; command lines are
// redacted as REDACTION says.
void encodeEvent(const void* data, size_t size, schema::Event::Builder event,
                 Redaction redaction = Redaction::kNone);

}  // namespace sigrec::record
