#include "tests/analyze/export/chromium.h"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>

#include "tests/support/run_command.h"

namespace sigrec::testing {
namespace {

std::string browser(const std::string& scratch, const std::string& extra) {
  return "chromium --headless --no-sandbox --disable-gpu --no-first-run --user-data-dir=" +
         scratch +
         "/profile --disable-background-networking --disable-component-update --disable-sync"
         " --disable-default-apps --disable-extensions --no-default-browser-check"
         " --proxy-server=127.0.0.1:9 --host-resolver-rules='MAP * ~NOTFOUND' " +
         extra;
}

// URL requests the page started: Chromium's own carry the initiator "not an
// origin"; a file:// page's have an opaque one.
std::vector<std::string> pageRequests(const std::string& netLog) {
  std::vector<std::string> urls;
  std::ifstream in(netLog);
  nlohmann::json log = nlohmann::json::parse(in, nullptr, false);
  if (log.is_discarded()) return {"<net log unreadable: " + netLog + ">"};
  int64_t start = log["constants"]["logEventTypes"].value("URL_REQUEST_START_JOB", -1);
  for (const auto& e : log["events"]) {
    // The end of a job is logged with the same type and no URL.
    if (e.value("type", -2) != start || !e.contains("params") || !e["params"].contains("url"))
      continue;
    const auto& p = e["params"];
    std::string url = p.value("url", ""), initiator = p.value("initiator", "");
    if (initiator == "not an origin" || url.rfind("file:", 0) == 0) continue;
    urls.push_back(url);
  }
  return urls;
}

}  // namespace

bool chromiumInstalled() {
  return runCommand("command -v chromium").status == 0;
}

BrowserRun renderInChromium(const std::string& html, const std::string& png,
                            const std::string& scratch, const std::string& size) {
  std::filesystem::create_directories(scratch);
  std::string url = "file://" + std::filesystem::absolute(html).string();
  BrowserRun run;
  CommandResult dom =
      runCommand("timeout 120 " + browser(scratch, "--log-net-log=" + scratch + "/net.json") +
                 " --dump-dom '" + url + "'");
  run.status = dom.status;
  run.dom = dom.out;
  run.error = dom.err;
  run.pageRequests = pageRequests(scratch + "/net.json");
  CommandResult shot = runCommand("timeout 120 " + browser(scratch, "") + " --window-size=" + size +
                                  " --hide-scrollbars --screenshot=" + png + " '" + url + "'");
  if (shot.status != 0) {
    run.status = shot.status;
    run.error += shot.err;
  }
  return run;
}

}  // namespace sigrec::testing
