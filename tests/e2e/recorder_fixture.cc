#include "tests/e2e/recorder_fixture.h"

#include <gtest/gtest.h>

#include "tests/support/paths.h"

namespace sigrec::testing {

std::string sigrecPath() {
  return buildDir() + "/sigrec";
}
std::string scenarioPath() {
  return buildDir() + "/tests/e2e/scenario";
}

Recording recordScenario(const std::string& name, const std::string& extraArgs) {
  TempDir dir;
  const std::string file = dir.file("capture.sigrec");
  Recording rec;
  rec.result = runCommand(sigrecPath() + " -o " + file + " " + extraArgs + " -- " + scenarioPath() +
                          " " + name);
  EXPECT_NE(rec.result.err.find("sigrec: recording to " + file), std::string::npos)
      << rec.result.err;
  rec.value = keyValues(rec.result.out);
  rec.capture = loadCapture(file);
  return rec;
}

}  // namespace sigrec::testing
