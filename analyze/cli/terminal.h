// What sigan knows of the terminal it writes to: tables fit its width, and
// progress lines are shown only on one.
#pragma once

#include <cstddef>

namespace sigrec::analyze {

// Columns of the terminal FD is, 0 if FD is not a terminal. TIOCGWINSZ;
// where the terminal reports 0 columns (a serial console, some CI ptys),
// $COLUMNS, else 80.
size_t terminalColumns(int fd);

bool isTerminal(int fd);

}  // namespace sigrec::analyze
