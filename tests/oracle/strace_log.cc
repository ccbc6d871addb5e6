#include "tests/oracle/strace_log.h"

#include <signal.h>
#include <string.h>

#include <algorithm>
#include <cstdlib>
#include <limits>
#include <regex>
#include <set>
#include <sstream>

namespace sigrec::oracle {
namespace {

std::string trim(const std::string& s) {
  size_t b = s.find_first_not_of(' '), e = s.find_last_not_of(' ');
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

std::optional<long> integer(const std::string& s) {
  if (s.empty()) return std::nullopt;
  char* end = nullptr;
  long v = std::strtol(s.c_str(), &end, 0);
  if (*end != '\0') return std::nullopt;
  return v;
}

StraceArg parseArg(const std::string& raw) {
  static const std::regex translated(R"(^(-?\d+) /\* (\d+) in strace's PID NS \*/$)");
  static const std::regex pidfd(R"(^(\d+)<pid:(\d+)>$)");
  static const std::regex fd(R"(^(\d+)<.*>$)");
  StraceArg a;
  a.text = trim(raw);
  std::smatch m;
  if (std::regex_match(a.text, m, translated) || std::regex_match(a.text, m, pidfd)) {
    a.value = std::stol(m[1]);
    a.hostPid = std::stol(m[2]);
    a.translated = a.text.find("PID NS") != std::string::npos;
  } else if (std::regex_match(a.text, m, fd)) {
    a.value = std::stol(m[1]);
  } else if (a.text == "NULL") {
    a.value = 0;
  } else if (auto v = integer(a.text)) {
    a.value = v;
  } else {
    a.value = signalNumber(a.text);
  }
  return a;
}

// Splits `a, {b, c}, "d,e"` at top-level commas; POS is just after the
// opening parenthesis. Returns the position of the closing one (or npos).
size_t splitArgs(const std::string& s, size_t pos, std::vector<std::string>& out) {
  int depth = 0;
  bool quoted = false;
  std::string cur;
  for (size_t i = pos; i < s.size(); ++i) {
    char c = s[i];
    if (quoted) {
      if (c == '\\' && i + 1 < s.size())
        cur += s[i++];
      else if (c == '"')
        quoted = false;
    } else if (c == '"') {
      quoted = true;
    } else if (c == '(' || c == '{' || c == '[') {
      ++depth;
    } else if ((c == ')' || c == '}' || c == ']') && depth > 0) {
      --depth;
    } else if (c == ')' && depth == 0) {
      if (!trim(cur).empty() || !out.empty()) out.push_back(cur);
      return i;
    } else if (c == ',' && depth == 0) {
      out.push_back(cur);
      cur.clear();
      continue;
    }
    cur += c;
  }
  return std::string::npos;
}

// `= 0`, `= -1 ESRCH (No such process)`, `= 2 /* 8365 in strace's PID NS */`, `= ?`
bool parseResult(const std::string& rest, StraceCall& call) {
  static const std::regex result(
      R"(^\s*=\s*(\?|-?\d+)(?: /\* (\d+) in strace's PID NS \*/)?(?: (E[A-Z0-9]+))?.*$)");
  std::smatch m;
  if (!std::regex_match(rest, m, result)) return false;
  if (m[1] == "?") {
    call.returned = false;
    return true;
  }
  call.ret = std::stol(m[1]);
  if (m[2].matched) call.retHostPid = std::stol(m[2]);
  if (m[3].matched) call.errnoName = m[3];
  return true;
}

bool parseCall(const std::string& text, StraceCall& call) {
  size_t open = text.find('(');
  if (open == std::string::npos) return false;
  call.syscall = text.substr(0, open);
  std::vector<std::string> raw;
  size_t close = splitArgs(text, open + 1, raw);
  if (close == std::string::npos) return false;
  for (const auto& r : raw) call.args.push_back(parseArg(r));
  call.line = text;
  return parseResult(text.substr(close + 1), call);
}

struct Pending {
  double time;
  std::string text;
};

class Parser {
 public:
  void line(const std::string& l);
  StraceLog finish();

 private:
  void completeCall(long tid, double time, const std::string& text);
  void special(long tid, double time, const std::string& rest);
  void noteClone(const StraceCall& c);
  void dropPending(long tid);
  void seen(long tid, double time);

  StraceLog log_;
  std::map<long, Pending> pending_;
};

void Parser::seen(long tid, double time) {
  auto [it, fresh] = log_.firstSeen.emplace(tid, time);
  if (!fresh) it->second = std::min(it->second, time);
}

void Parser::line(const std::string& l) {
  std::istringstream in(l);
  long tid = 0;
  double time = 0;
  if (!(in >> tid >> time)) {
    if (!trim(l).empty()) log_.unparsed.push_back(l);
    return;
  }
  std::string rest;
  std::getline(in, rest);
  rest = trim(rest);
  seen(tid, time);
  static const std::string unfinished = " <unfinished ...>";
  static const std::regex resumed(R"(^<\.\.\. ([a-z0-9_]+) resumed>(.*)$)");
  std::smatch m;
  if (rest.starts_with("---") || rest.starts_with("+++")) {
    special(tid, time, rest);
  } else if (rest.ends_with(unfinished)) {
    pending_[tid] = {time, rest.substr(0, rest.size() - unfinished.size())};
  } else if (std::regex_match(rest, m, resumed)) {
    auto it = pending_.find(tid);
    if (it == pending_.end()) {
      log_.unparsed.push_back(l);
      return;
    }
    Pending p = it->second;
    pending_.erase(it);
    completeCall(tid, p.time, p.text + std::string(m[2]));
  } else {
    completeCall(tid, time, rest);
  }
}

void Parser::completeCall(long tid, double time, const std::string& text) {
  StraceCall c;
  c.tid = tid;
  c.time = time;
  if (!parseCall(text, c)) {
    log_.unparsed.push_back(std::to_string(tid) + " " + text);
    return;
  }
  // Only a process in a child namespace passes or gets pids strace translates.
  bool translated = c.retHostPid.has_value();
  for (const auto& a : c.args) translated |= a.translated;
  if (translated) log_.inChildNamespace[tid] = true;
  if (!isKillFamily(c.syscall)) {
    noteClone(c);
    return;
  }
  log_.calls.push_back(std::move(c));
}

void Parser::noteClone(const StraceCall& c) {
  if (!c.returned || c.ret <= 0) return;
  long child = c.retHostPid.value_or(c.ret);
  if (c.line.find("CLONE_UNTRACED") != std::string::npos) {
    log_.untraced[child] = true;
    return;
  }
  bool thread = c.line.find("CLONE_THREAD") != std::string::npos;
  log_.tgidOf[child] = thread ? log_.tgid(c.tid) : child;
  log_.createdInTrace[child] = true;
  if (log_.inChildNamespace.contains(c.tid)) log_.inChildNamespace[child] = true;
  seen(child, c.time);
}

// A call still unfinished when its thread ends never returned.
void Parser::dropPending(long tid) {
  auto it = pending_.find(tid);
  if (it == pending_.end()) return;
  Pending p = it->second;
  pending_.erase(it);
  completeCall(tid, p.time, p.text + ") = ?");
}

void Parser::special(long tid, double time, const std::string& rest) {
  static const std::regex delivery(
      R"(^--- (SIG[A-Z0-9_]+) \{.*si_code=([A-Z0-9_]+|-?\d+).*\} ---$)");
  static const std::regex exited(R"(^\+\+\+ exited with (\d+) \+\+\+$)");
  static const std::regex killed(R"(^\+\+\+ killed by (SIG[A-Z0-9_]+)( \(core dumped\))? \+\+\+$)");
  std::smatch m;
  if (std::regex_match(rest, m, delivery)) {
    log_.deliveries.push_back({tid, time, signalNumber(m[1]).value_or(-1), m[2]});
  } else if (std::regex_match(rest, m, exited)) {
    dropPending(tid);
    log_.exits.push_back({tid, time, false, std::stol(m[1]), "", false});
  } else if (std::regex_match(rest, m, killed)) {
    dropPending(tid);
    log_.exits.push_back({tid, time, true, signalNumber(m[1]).value_or(-1), m[1], m[2].matched});
  } else if (!rest.starts_with("--- stopped by") && !rest.starts_with("+++ superseded")) {
    log_.unparsed.push_back(std::to_string(tid) + " " + rest);
  }
}

StraceLog Parser::finish() {
  std::vector<long> left;
  for (const auto& [tid, p] : pending_) left.push_back(tid);
  for (long tid : left) dropPending(tid);
  for (const auto& [tid, t] : log_.firstSeen) log_.tgidOf.emplace(tid, tid);
  return std::move(log_);
}

}  // namespace

long StraceLog::tgid(long tid) const {
  auto it = tgidOf.find(tid);
  return it == tgidOf.end() ? tid : it->second;
}

StraceLog parseStraceLog(std::istream& in) {
  Parser p;
  std::string l;
  while (std::getline(in, l)) p.line(l);
  return p.finish();
}

std::optional<long> signalNumber(const std::string& name) {
  if (name == "SIGRTMIN") return 32;  // strace prints the kernel numbering, not glibc's
  if (name.starts_with("SIGRT_")) {
    auto n = integer(name.substr(6));
    return n ? std::optional<long>(32 + *n) : std::nullopt;
  }
  for (int n = 1; n < 32; ++n) {
    const char* abbrev = ::sigabbrev_np(n);
    if (abbrev && name == std::string("SIG") + abbrev) return n;
  }
  if (name == "SIGIOT") return SIGABRT;
  if (name == "SIGPOLL") return SIGIO;
  return std::nullopt;
}

bool isKillFamily(const std::string& syscall) {
  static const std::set<std::string> names{
      "kill", "tkill", "tgkill", "pidfd_send_signal", "rt_sigqueueinfo", "rt_tgsigqueueinfo"};
  return names.contains(syscall);
}

}  // namespace sigrec::oracle
