// Where the live view goes: stdout, or the --print-to file, so that it need
// not share stdout with the command (docs/sigrec.md, "Live view").
#pragma once

#include <cstdio>
#include <memory>
#include <string>

namespace sigrec::record {

struct FileCloser {
  void operator()(std::FILE* file) const { std::fclose(file); }
};

struct LiveOutput {
  std::unique_ptr<std::FILE, FileCloser> file;
  bool created = false;  // a new file: remove it if recording never starts
};

// Opens PATH for the live view, as -o is opened: a new file gets mode 0600;
// an existing regular file is refused unless FORCE, and then truncated and
// set to 0600. Anything else that exists (a terminal, a FIFO with a reader,
// /dev/stderr) is written as it is; a FIFO nobody reads is refused rather
// than waited for. Close-on-exec: the command never inherits it. Throws
// RecordError with a one-line message.
LiveOutput openLiveOutput(const std::string& path, bool force);

// The one-line refusal of an existing file without --force, shared with
// the check made while parsing the options.
std::string liveOutputExists(const std::string& path);

}  // namespace sigrec::record
