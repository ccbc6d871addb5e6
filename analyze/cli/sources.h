// Turns the SOURCE arguments of a query command into one database: a sigan
// database is opened read-only; captures are imported into memory (nothing
// is written to disk). Files are told apart by content, not by name.
#pragma once

#include <iosfwd>
#include <memory>
#include <string>
#include <vector>

#include "analyze/import/import_focus.h"
#include "analyze/store/db.h"

namespace sigrec::analyze {

// Throws UserError / DbError / capture::CaptureError with a one-line message.
// Notes about damaged or unfinished captures go to NOTES.
// PROGRESS: show a progress line on NOTES (a terminal) while a capture is
// imported into memory (analyze/cli/import_progress.h). FOCUS: the one
// question the database will answer; captures imported into memory then
// hold only what it reads (analyze/import/import_focus.h).
std::unique_ptr<Db> openSources(const std::vector<std::string>& sources, std::ostream& notes,
                                bool progress = false, const ImportFocus& focus = {});

// From here on the connection can only read: PRAGMA query_only plus an
// authorizer that denies writes, ATTACH, most PRAGMAs and load_extension.
void makeReadOnly(Db& db);

}  // namespace sigrec::analyze
