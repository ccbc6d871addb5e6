#include "record/child_command.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "record/record_error.h"
#include "base/unique_fd.h"

namespace sigrec::record {

namespace {
int startFailureStatus(int err) {
  return err == ENOENT ? 127 : 126;
}
}  // namespace

ChildCommand::ChildCommand(const std::vector<std::string>& argv) {
  std::vector<char*> args;
  args.reserve(argv.size() + 1);
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);

  // exec failures come back through a close-on-exec pipe: EOF means exec
  // succeeded, four bytes are its errno.
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) throw RecordError(std::string("pipe: ") + std::strerror(errno));
  UniqueFd readEnd(fds[0]), writeEnd(fds[1]);

  pid_ = ::fork();
  if (pid_ < 0) throw RecordError(std::string("cannot fork: ") + std::strerror(errno));
  if (pid_ == 0) {
    // The command gets a clean signal state, not sigrec's handlers or mask.
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE}) ::signal(sig, SIG_DFL);
    ::execvp(args[0], args.data());
    int err = errno;
    (void)!::write(writeEnd.get(), &err, sizeof err);
    ::_exit(startFailureStatus(err));
  }
  writeEnd.reset();
  int err = 0;
  ssize_t n;
  do {
    n = ::read(readEnd.get(), &err, sizeof err);
  } while (n < 0 && errno == EINTR);
  if (n == sizeof err) {
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
    throw CommandStartError(
        startFailureStatus(err),
        argv[0] + ": " +
            (err == ENOENT ? std::string("command not found") : std::string(std::strerror(err))));
  }
}

ChildCommand::~ChildCommand() {
  if (pid_ > 0 && !status_) {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }
}

std::optional<int> ChildCommand::poll() {
  if (status_ || pid_ <= 0) return status_;
  int status = 0;
  pid_t r = ::waitpid(pid_, &status, WNOHANG);
  if (r == pid_) {
    status_ = WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
  }
  return status_;
}

void ChildCommand::signal(int sig) const {
  if (pid_ > 0 && !status_) ::kill(pid_, sig);
}

}  // namespace sigrec::record
