#include "record/live_output.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "record/record_error.h"
#include "base/unique_fd.h"

namespace sigrec::record {
namespace {

[[noreturn]] void fail(const std::string& what, const std::string& path) {
  throw RecordError("--print-to: cannot " + what + " " + path + ": " + std::strerror(errno));
}

// An existing PATH: a regular file only with FORCE (truncated, 0600); other
// files as they are. O_NONBLOCK makes opening a FIFO without a reader fail
// (ENXIO) instead of hanging; it is cleared once open.
UniqueFd openExisting(const std::string& path, bool force) {
  UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK));
  if (!fd) fail("open", path);
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) fail("stat", path);
  if (S_ISREG(st.st_mode)) {
    if (!force) throw RecordError(liveOutputExists(path));
    if (::ftruncate(fd.get(), 0) != 0) fail("truncate", path);
    if (::fchmod(fd.get(), 0600) != 0) fail("set mode 0600 on", path);
  }
  const int flags = ::fcntl(fd.get(), F_GETFL);
  if (flags < 0 || ::fcntl(fd.get(), F_SETFL, flags & ~O_NONBLOCK) != 0) fail("set up", path);
  return fd;
}

}  // namespace

std::string liveOutputExists(const std::string& path) {
  return "--print-to: " + path +
         " already exists: pass --force to overwrite it, or choose another file";
}

LiveOutput openLiveOutput(const std::string& path, bool force) {
  LiveOutput out;
  UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOCTTY, 0600));
  if (fd) {
    out.created = true;
  } else if (errno == EEXIST) {
    fd = openExisting(path, force);
  } else {
    fail("create", path);
  }
  out.file.reset(::fdopen(fd.get(), "w"));
  if (!out.file) fail("open", path);
  fd.release();  // the FILE owns it now
  return out;
}

}  // namespace sigrec::record
