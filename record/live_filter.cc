#include "record/live_filter.h"

#include <algorithm>
#include <charconv>
#include <initializer_list>
#include <stdexcept>
#include <utility>

#include "base/names.h"

namespace sigrec::record {
namespace {

[[noreturn]] void refuse(const std::string& term, const std::string& why) {
  throw std::runtime_error("--print-filter: '" + term + "': " + why);
}

// Splits at SEP, keeping empty pieces (so "a,,b" and "a," can be refused).
std::vector<std::string> split(const std::string& text, char sep) {
  std::vector<std::string> pieces;
  size_t from = 0;
  for (size_t at; (at = text.find(sep, from)) != std::string::npos; from = at + 1) {
    pieces.push_back(text.substr(from, at - from));
  }
  pieces.push_back(text.substr(from));
  return pieces;
}

int64_t pidValue(const std::string& term, const std::string& value) {
  uint32_t pid = 0;
  const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), pid);
  if (error != std::errc() || end != value.data() + value.size() || pid == 0)
    refuse(term, "'" + value + "' is not a pid");
  return pid;
}

int64_t signalValue(const std::string& term, const std::string& value) {
  const auto sig = names::parseSignal(value);
  if (!sig || *sig < 1 || *sig > 64) refuse(term, "'" + value + "' is not a signal");
  return *sig;
}

template <typename Enum>
int64_t wordValue(const std::string& term, const std::string& value,
                  std::initializer_list<std::pair<const char*, Enum>> words) {
  std::string known;
  for (const auto& [word, e] : words) {
    if (value == word) return static_cast<int64_t>(e);
    known += (known.empty() ? "" : "|") + std::string(word);
  }
  refuse(term, "'" + value + "' is not one of " + known);
}

template <typename T>
bool contains(const std::vector<T>& list, const T& value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

}  // namespace

LiveFilter::Term LiveFilter::parseTerm(const std::string& text) {
  if (text == "tree") return Term{};
  const size_t eq = text.find('=');
  if (eq == std::string::npos || eq == 0)
    refuse(text, std::string("unknown term (") + kSyntax + ")");
  Term t;
  t.negated = text[eq - 1] == '!';
  const std::string key = text.substr(0, t.negated ? eq - 1 : eq);
  for (const std::string& value : split(text.substr(eq + 1), '|')) {
    if (value.empty()) refuse(text, "empty value");
    if (key == "pid") {
      t.key = Key::kPid;
      t.numbers.push_back(pidValue(text, value));
    } else if (key == "comm") {
      // The kernel keeps 15 bytes of a name: a longer one could never match.
      if (value.size() > 15)
        refuse(text, "a comm is at most 15 characters, as the kernel keeps it");
      t.key = Key::kComm;
      t.names.push_back(value);
    } else if (key == "signal") {
      t.key = Key::kSignal;
      t.numbers.push_back(signalValue(text, value));
    } else if (key == "origin") {
      t.key = Key::kOrigin;
      t.numbers.push_back(wordValue<LiveOrigin>(
          text, value, {{"kernel", LiveOrigin::kKernel}, {"user", LiveOrigin::kUser}}));
    } else if (key == "kind") {
      t.key = Key::kKind;
      t.numbers.push_back(wordValue<LiveKind>(text, value,
                                              {{"signal", LiveKind::kSignal},
                                               {"call", LiveKind::kCall},
                                               {"exit", LiveKind::kExit},
                                               {"oom", LiveKind::kOom}}));
    } else {
      refuse(text, "unknown key '" + key + "' (" + kSyntax + ")");
    }
  }
  return t;
}

LiveFilter LiveFilter::parse(const std::string& text, bool haveCommand) {
  LiveFilter filter;
  bool all = false;
  for (const std::string& piece : split(text, ',')) {
    if (piece.empty()) throw std::runtime_error("--print-filter: empty term in '" + text + "'");
    if (piece == "all") {
      all = true;
    } else if (piece == "probes") {
      filter.probes_ = true;
    } else {
      Term term = parseTerm(piece);
      if (term.key == Key::kTree && !haveCommand) refuse(piece, "needs a command after --");
      filter.terms_.push_back(std::move(term));
    }
  }
  if (all && !filter.terms_.empty())
    throw std::runtime_error("--print-filter: 'all' stands alone or with 'probes', not in '" +
                             text + "'");
  return filter;
}

LiveFilter LiveFilter::byDefault(bool haveCommand) {
  LiveFilter filter;
  if (haveCommand) filter.terms_.emplace_back();  // tree
  return filter;
}

bool LiveFilter::holds(const Term& term, const LiveFacts& facts, const CommandTree& tree) {
  bool any = false;
  for (size_t i = 0; i < facts.partyCount; ++i) {
    const LiveParty& party = facts.parties.at(i);
    if (term.key == Key::kTree) any = any || tree.contains(party.pid);
    if (term.key == Key::kPid) any = any || contains(term.numbers, int64_t{party.pid});
    if (term.key == Key::kComm && !party.comm.empty())
      any = any || contains(term.names, std::string(party.comm));
  }
  if (term.key == Key::kSignal)
    any = facts.signal != 0 && contains(term.numbers, int64_t{facts.signal});
  if (term.key == Key::kOrigin) any = contains(term.numbers, static_cast<int64_t>(facts.origin));
  if (term.key == Key::kKind) any = contains(term.numbers, static_cast<int64_t>(facts.kind));
  return any != term.negated;
}

bool LiveFilter::shows(const LiveFacts& facts, const CommandTree& tree) const {
  if (facts.probe && !probes_) return false;
  return std::all_of(terms_.begin(), terms_.end(),
                     [&](const Term& term) { return holds(term, facts, tree); });
}

}  // namespace sigrec::record
