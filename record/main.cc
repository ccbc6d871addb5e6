// sigrec: records every signal and process death into a capture file.
#include <kj/exception.h>

#include <cstdio>
#include <exception>

#include "record/check.h"
#include "record/child_command.h"
#include "record/flight_session.h"
#include "record/options.h"
#include "record/session.h"
#include "schema/capture_error.h"

int main(int argc, char** argv) {
  using namespace sigrec;
  record::Options options;
  try {
    options = record::parseOptions(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "sigrec: %s\n", e.what());
    return 2;
  }
  // With a command, failures of sigrec itself use 125 so they cannot be
  // mistaken for the command's own status (as `timeout` does).
  const int failure = options.command.empty() ? 1 : 125;
  try {
    if (options.check) return record::runCheck(options);
    if (options.flightBytes) return record::runFlightSession(options);
    return record::runSession(options);
  } catch (const record::CommandStartError& e) {
    std::fprintf(stderr, "sigrec: %s\n", e.what());
    return e.status();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "sigrec: %s\n", e.what());
  } catch (const kj::Exception& e) {
    std::fprintf(stderr, "sigrec: %s\n", e.getDescription().cStr());
  }
  return failure;
}
