#include "tests/scenarios/scenario_fixture.h"

#include <sstream>

#include "tests/support/paths.h"

namespace sigrec::testing {
namespace {

// Single quotes for the shell.
std::string quoted(const std::string& text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::vector<Json> parseJsonLines(const std::string& text) {
  std::vector<Json> rows;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    if (!line.empty()) rows.push_back(Json::parse(line));
  }
  return rows;
}

}  // namespace

std::string program(const std::string& name) {
  return buildDir() + "/tests/scenarios/programs/" + name;
}

std::string shell(const std::string& commandLine) {
  return "sh -c " + quoted(commandLine);
}

ScenarioRun runScenario(const std::string& commandLine, const std::string& sigrecArgs,
                        const std::string& before) {
  ScenarioRun run;
  run.dir = std::make_unique<TempDir>();
  run.capture = run.dir->file("capture.sigrec");
  run.result = runCommand((before.empty() ? "" : before + "; ") + buildDir() + "/sigrec -o " +
                          run.capture + " " + sigrecArgs + " -- " + commandLine);
  EXPECT_NE(run.result.err.find("sigrec: recording to"), std::string::npos) << run.result.err;
  run.value = keyValues(run.result.out);
  return run;
}

long ScenarioRun::operator[](const std::string& key) const {
  auto it = value.find(key);
  EXPECT_NE(it, value.end()) << "the scenario printed no " << key << "=; output:\n" << result.out;
  return it == value.end() ? -1 : it->second;
}

std::vector<Json> ScenarioRun::sigan(const std::string& args) const {
  auto r = runCommand(buildDir() + "/sigan " + args + " --format json " + capture);
  EXPECT_EQ(r.status, 0) << "sigan " << args << ": " << r.err;
  return parseJsonLines(r.out);
}

std::string ScenarioRun::siganText(const std::string& args, const std::string& format) const {
  auto r = runCommand(buildDir() + "/sigan " + args + " --format " + format + " " + capture);
  EXPECT_EQ(r.status, 0) << "sigan " << args << ": " << r.err;
  return r.out;
}

Json ScenarioRun::exitOf(long pid) const {
  auto rows = sigan("exits --pid " + std::to_string(pid));
  EXPECT_EQ(rows.size(), 1u) << "exits of pid " << pid;
  return rows.empty() ? Json::object() : rows[0];
}

std::vector<Json> ScenarioRun::sql(const std::string& query) const {
  auto r = runCommand(buildDir() + "/sigan sql " + quoted(query) + " --format json " + capture);
  EXPECT_EQ(r.status, 0) << "sigan sql: " << r.err;
  return parseJsonLines(r.out);
}

}  // namespace sigrec::testing
