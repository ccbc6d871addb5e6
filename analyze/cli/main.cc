#include <unistd.h>

#include <iostream>
#include <string>
#include <vector>

#include "analyze/cli/cli.h"
#include "analyze/cli/terminal.h"

int main(int argc, char** argv) {
  std::ios::sync_with_stdio(false);
  std::vector<std::string> args(argv + 1, argv + argc);
  int status = sigrec::analyze::runSigan(args, std::cout, std::cerr,
                                         {sigrec::analyze::terminalColumns(STDOUT_FILENO),
                                          sigrec::analyze::isTerminal(STDERR_FILENO)});
  std::cout.flush();
  return status;
}
