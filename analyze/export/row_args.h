// A result row as trace-event args: every column under its own name, so a
// column added to the table registry (analyze/store/tables.cc) reaches the
// trace with no change here. `*_ns` columns of boot time are left as they
// are; the event's wall-clock time is added as `time` (RFC 3339).
#pragma once

#include "analyze/store/db.h"
#include "analyze/query/output.h"

namespace sigrec::analyze::exporting {

// Every non-null column of the current row but those whose name starts
// with "x_" (helper columns the export's own SELECT adds).
Row rowArgs(const Statement& stmt);

}  // namespace sigrec::analyze::exporting
