#include "record/procfs_snapshot.h"

#include <unistd.h>

#include <charconv>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "record/host_info.h"

namespace sigrec::record {
namespace {

constexpr size_t kMaxCmdline = size_t{64} * 1024;

std::optional<std::string> slurp(const std::string& path, size_t limit) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::string data(limit, '\0');
  in.read(data.data(), static_cast<std::streamsize>(limit));
  data.resize(static_cast<size_t>(in.gcount()));
  return data;
}

// /proc/PID/stat: "pid (comm) state ppid ..."; comm may hold spaces and
// parentheses, so fields are counted from the last ')'.
bool parseStat(const std::string& stat, ProcEntry& p) {
  size_t open = stat.find('('), close = stat.rfind(')');
  if (open == std::string::npos || close == std::string::npos || close < open) return false;
  p.comm = stat.substr(open + 1, close - open - 1);
  std::istringstream rest(stat.substr(close + 2));
  std::string field;
  for (int index = 3; rest >> field; ++index) {
    if (index == 4) p.ppid = static_cast<uint32_t>(std::stoul(field));
    if (index == 22) {
      p.startTicks = std::stoull(field);
      return true;
    }
  }
  return false;
}

void parseStatus(const std::string& status, ProcEntry& p) {
  std::istringstream in(status);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("Uid:", 0) == 0) {
      p.uid = static_cast<uint32_t>(std::stoul(line.substr(4)));
    } else if (line.rfind("NSpid:", 0) == 0) {
      std::istringstream ids(line.substr(6));
      uint32_t id = 0;
      while (ids >> id) p.nsPid = id;  // innermost namespace last
    }
  }
}

std::vector<std::string> splitNul(const std::string& data) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < data.size()) {
    size_t end = data.find('\0', start);
    if (end == std::string::npos) end = data.size();
    out.push_back(data.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

uint32_t nsInode(const std::string& link) {
  std::error_code ec;
  std::string target = std::filesystem::read_symlink(link, ec).string();  // "pid:[4026531836]"
  size_t open = target.find('[');
  uint32_t inum = 0;
  if (!ec && open != std::string::npos) {
    std::from_chars(target.data() + open + 1, target.data() + target.size(), inum);
  }
  return inum;
}

std::string cgroupV2Path(const std::string& data) {
  std::istringstream in(data);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("0::", 0) == 0) return line.substr(3);
  }
  return {};
}

}  // namespace

std::optional<ProcEntry> readProcess(const std::string& procRoot, uint32_t pid) {
  std::string dir = procRoot + "/" + std::to_string(pid);
  ProcEntry p;
  p.pid = pid;
  auto stat = slurp(dir + "/stat", 4096);
  if (!stat || !parseStat(*stat, p)) return std::nullopt;
  if (auto status = slurp(dir + "/status", 16384)) parseStatus(*status, p);
  if (auto cmd = slurp(dir + "/cmdline", kMaxCmdline + 1)) {
    p.cmdlineTruncated = cmd->size() > kMaxCmdline;
    if (p.cmdlineTruncated) cmd->resize(kMaxCmdline);
    p.cmdline = splitNul(*cmd);
  }
  std::error_code ec;
  p.exe = std::filesystem::read_symlink(dir + "/exe", ec).string();
  if (auto cg = slurp(dir + "/cgroup", 4096)) p.cgroup = cgroupV2Path(*cg);
  p.pidNs = nsInode(dir + "/ns/pid");
  return p;
}

std::vector<ProcEntry> readAllProcesses(const std::string& procRoot, uint32_t* unreadable) {
  std::vector<ProcEntry> procs;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(procRoot, ec)) {
    const std::string name = entry.path().filename().string();
    uint32_t pid = 0;
    auto [end, err] = std::from_chars(name.data(), name.data() + name.size(), pid);
    if (err != std::errc() || end != name.data() + name.size()) continue;
    if (auto p = readProcess(procRoot, pid)) {
      procs.push_back(std::move(*p));
    } else if (unreadable) {
      ++*unreadable;
    }
  }
  return procs;
}

uint64_t clockTickNs() {
  return 1'000'000'000ull / static_cast<uint64_t>(::sysconf(_SC_CLK_TCK));
}

void fillProcess(const ProcEntry& p, schema::Process::Builder out) {
  out.setPid(p.pid);
  out.setPpid(p.ppid);
  out.setStartNs(p.startTicks * clockTickNs());
  out.setComm(p.comm);
  out.setExe(p.exe);
  auto args = out.initCmdline(static_cast<unsigned>(p.cmdline.size()));
  for (size_t a = 0; a < p.cmdline.size(); ++a) args.set(static_cast<unsigned>(a), p.cmdline[a]);
  out.setCmdlineTruncated(p.cmdlineTruncated);
  out.setUid(p.uid);
  out.setCgroup(p.cgroup);
  out.setNsPid(p.nsPid);
  out.setPidNs(p.pidNs);
}

void takeSnapshot(schema::ProcessSnapshot::Builder snapshot, Redaction redaction,
                  const std::string& procRoot) {
  uint32_t unreadable = 0;
  std::vector<ProcEntry> procs = readAllProcesses(procRoot, &unreadable);
  for (auto& p : procs) redactArgv(p.cmdline, redaction);
  snapshot.setTakenBootNs(bootNowNs());
  snapshot.setUnreadable(unreadable);
  auto list = snapshot.initProcesses(static_cast<unsigned>(procs.size()));
  for (size_t i = 0; i < procs.size(); ++i) fillProcess(procs[i], list[static_cast<unsigned>(i)]);
}

}  // namespace sigrec::record
