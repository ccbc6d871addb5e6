// Recorded text made safe to show: comms, command lines, file names and
// cgroup paths are bytes a process chose, and may hold escape sequences that
// recolour or rewrite the reader's terminal, newlines that forge table rows,
// bidirectional overrides that reorder what is read, or bytes that are not
// UTF-8. Table, CSV, logfmt and live output pass every recorded string
// through visibleText(); JSON keeps the text exact (docs/sigan.md, "Recorded
// text").
#pragma once

#include <string>
#include <string_view>

namespace sigrec::names {

// TEXT with every byte that could act on a terminal shown as an escape:
// \n \t \r, other C0 controls, DEL and bytes that are not part of valid
// UTF-8 as \xNN; C1 controls and the Unicode bidirectional controls as
// \u{NNNN}; a backslash as \\ (so that an escape shown is never the
// process's own text). Valid printable UTF-8 is kept as it is.
std::string visibleText(std::string_view text);

// Whether a spreadsheet would take FIELD for a formula (it starts with
// = + - @, a tab or a carriage return) while it is not a plain number:
// CSV output prefixes such fields with a single quote.
bool looksLikeFormula(std::string_view field);

}  // namespace sigrec::names
