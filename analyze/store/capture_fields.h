// Where each field of the capture format (schema/capture.capnp) ends up in
// the database: a column, or the reason it is deliberately not stored. A
// test walks the compiled schema and fails on a field missing here, so a
// field added to the format cannot be dropped silently.
#pragma once

#include <vector>

namespace sigrec::analyze::store {

struct CaptureField {
  const char* field;      // "Struct.field", groups included: "Event.fork.childPid"
  const char* column;     // "table.column", or null
  const char* notStored;  // why not, when column is null
};

const std::vector<CaptureField>& captureFields();

}  // namespace sigrec::analyze::store
