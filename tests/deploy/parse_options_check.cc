// Parses a sigrec command line exactly as sigrec does, and stops there: exit
// 0 if sigrec accepts it (the parsed output path on stdout), 2 and sigrec's
// message if not. Loads nothing, so it runs anywhere (the DaemonSet test).
#include <cstdio>
#include <exception>

#include "record/options.h"

int main(int argc, char** argv) {
  try {
    auto options = sigrec::record::parseOptions(argc, argv);
    std::printf("%s\n", options.output.c_str());
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "sigrec: %s\n", e.what());
    return 2;
  }
}
