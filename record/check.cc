#include "record/check.h"

#include <sys/utsname.h>

#include <cstdio>
#include <exception>
#include <string>

#include "record/probe_settings.h"
#include "record/probes.h"

namespace sigrec::record {

int runCheck(const Options& opt) {
  struct utsname uts {};
  ::uname(&uts);
  std::printf("sigrec --check: kernel %s (%s)\n", uts.release, uts.machine);
  ProbeSettings settings;
  try {
    settings = probeSettings(opt, preflight(opt.noSyscallHooks));
  } catch (const std::exception& e) {
    std::printf("FAIL  preflight: %s\nresult: nothing can be recorded here\n", e.what());
    return 1;
  }
  std::printf("kernel features:\n");
  for (const auto& [name, value] : settings.features.describe()) {
    std::printf("  %-16s %s\n", name.c_str(), value.c_str());
  }
  std::printf("programs:\n");
  std::string missing;
  int refused = 0, total = 0;
  for (const auto& check : Probes::checkEach(settings)) {
    ++total;
    std::printf("  %-4s  %-28s %s%s%s\n", check.ok ? "ok" : "FAIL", check.name.c_str(),
                check.records.c_str(), check.ok ? "" : ": ", check.error.c_str());
    if (check.ok) continue;
    ++refused;
    if (missing.find(check.records) == std::string::npos) {
      missing += (missing.empty() ? "" : ", ") + check.records;
    }
  }
  if (refused == 0) {
    std::printf("result: all %d programs load: everything is recorded\n", total);
    return 0;
  }
  std::printf(
      "result: %d of %d programs refused: sigrec does not record here (it would miss: %s)\n",
      refused, total, missing.c_str());
  return 1;
}

}  // namespace sigrec::record
