#include "analyze/cli/terminal.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <charconv>
#include <cstdlib>
#include <cstring>

namespace sigrec::analyze {

bool isTerminal(int fd) {
  return ::isatty(fd) == 1;
}

size_t terminalColumns(int fd) {
  if (!isTerminal(fd)) return 0;
  struct winsize ws {};
  if (::ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) return ws.ws_col;
  if (const char* columns = std::getenv("COLUMNS")) {
    size_t n = 0;
    const char* end = columns + std::strlen(columns);
    auto [ptr, ec] = std::from_chars(columns, end, n);
    if (ec == std::errc() && ptr == end && n > 0) return n;
  }
  return 80;
}

}  // namespace sigrec::analyze
