// Helpers for the scenario programs run under sigrec: each does one known
// thing and prints the pids involved as key=value lines on stdout.
#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <string>

namespace sigrec::scenario {

inline void say(const char* key, long value) {
  std::printf("%s=%ld\n", key, value);
  std::fflush(stdout);
}

// Runs CHILD in a forked process that then exits 0.
inline pid_t forkOrDie(const std::function<void()>& child) {
  std::fflush(stdout);
  pid_t pid = ::fork();
  if (pid < 0) std::exit(100);
  if (pid == 0) {
    child();
    ::_exit(0);
  }
  return pid;
}

// Waits for PID; returns its raw wait status.
inline int reap(pid_t pid) {
  int status = 0;
  ::waitpid(pid, &status, 0);
  return status;
}

// A child that waits for signals until one kills it.
inline pid_t sleeper() {
  return forkOrDie([] {
    for (;;) ::pause();
  });
}

// Lets a new child reach its steady state (pause, handler installed) before
// it is signalled, so scenarios read in the order they happen.
inline void settle() {
  ::usleep(20'000);
}

// The mode argument of a program with several variants, or exit 2.
inline std::string mode(int argc, char** argv, const char* usage) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s %s\n", argv[0], usage);
    std::exit(2);
  }
  return argv[1];
}

// The caller's pid in the host's namespace, read from a /proc mounted there
// (in a pid namespace, getpid() gives the namespace's).
inline long hostPid() {
  char buf[32] = {};
  if (::readlink("/proc/self", buf, sizeof buf - 1) <= 0) return -1;
  return std::strtol(buf, nullptr, 10);
}

// Writes VALUE to PATH (a cgroup's control file); false if the kernel refused.
inline bool writeFile(const std::string& path, const std::string& value) {
  std::ofstream out(path);
  out << value;
  out.flush();
  return static_cast<bool>(out);
}

}  // namespace sigrec::scenario
