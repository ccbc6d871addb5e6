// Debian's chromium, headless, as a real browser for the HTML report: the
// DOM it built, a screenshot, and the requests the page made (from
// Chromium's own net log). The browser's background requests (updates,
// accounts) are kept on this machine: every host name resolves to nothing
// and the proxy is a closed loopback port; they are told apart from the
// page's own requests by their initiator.
#pragma once

#include <string>
#include <vector>

namespace sigrec::testing {

struct BrowserRun {
  int status = -1;
  std::string dom;                        // --dump-dom
  std::vector<std::string> pageRequests;  // URLs the page asked for (not file:)
  std::string error;
};

// Renders HTML (a file) and writes a SIZE screenshot to PNG; SCRATCH is a
// directory for the browser profile and logs.
BrowserRun renderInChromium(const std::string& html, const std::string& png,
                            const std::string& scratch, const std::string& size = "1200,900");

bool chromiumInstalled();

}  // namespace sigrec::testing
