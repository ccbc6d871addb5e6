// The rows of one registry table written as NDJSON (one JSON object per
// line, null for NULL) or CSV (RFC 4180, a header of column names; NULL is
// an empty field, an empty string a quoted "").
#pragma once

#include <cstdint>
#include <iosfwd>

#include "analyze/store/db.h"
#include "analyze/store/tables.h"

namespace sigrec::analyze::exporting {

int64_t writeNdjson(const Db& db, const store::Table& table, std::ostream& out);
int64_t writeCsv(const Db& db, const store::Table& table, std::ostream& out);

}  // namespace sigrec::analyze::exporting
