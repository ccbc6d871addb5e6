#include "record/live_filter.h"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

namespace sigrec::record {
namespace {

LiveFacts signalTo(uint32_t target, std::string_view comm, int sig, uint32_t sender = 0) {
  LiveFacts f{.kind = LiveKind::kSignal, .signal = sig};
  f.origin = sender ? LiveOrigin::kUser : LiveOrigin::kKernel;
  if (sender) f.parties.at(f.partyCount++) = {sender, "sender"};
  f.parties.at(f.partyCount++) = {target, comm};
  return f;
}

LiveFacts probeOf(uint32_t caller, uint32_t target) {
  LiveFacts f{.kind = LiveKind::kCall, .origin = LiveOrigin::kUser, .probe = true};
  f.parties.at(f.partyCount++) = {caller, "poller"};
  f.parties.at(f.partyCount++) = {target, {}};
  return f;
}

std::string errorOf(const std::string& text, bool haveCommand = true) {
  try {
    LiveFilter::parse(text, haveCommand);
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "";
}

TEST(LiveFilter, DefaultWithACommandIsItsTreeAndTheSignalsIntoIt) {
  CommandTree tree;
  tree.add(100);
  const LiveFilter f = LiveFilter::byDefault(true);
  EXPECT_TRUE(f.shows(signalTo(100, "cmd", 15, 7), tree)) << "from outside, into the tree";
  EXPECT_TRUE(f.shows(signalTo(7, "other", 15, 100), tree)) << "sent by a member";
  EXPECT_FALSE(f.shows(signalTo(7, "other", 15, 8), tree)) << "elsewhere on the machine";
  EXPECT_FALSE(f.shows(probeOf(7, 100), tree)) << "probes stay out";
  EXPECT_TRUE(LiveFilter::byDefault(false).shows(signalTo(7, "other", 15, 8), tree));
  EXPECT_FALSE(LiveFilter::byDefault(false).shows(probeOf(7, 8), tree));
}

TEST(LiveFilter, TermsMustAllHoldAndAlternativesAnyOne) {
  CommandTree tree;
  const LiveFilter f = LiveFilter::parse("signal=TERM|9,comm=nginx", false);
  EXPECT_TRUE(f.shows(signalTo(5, "nginx", 15), tree));
  EXPECT_TRUE(f.shows(signalTo(5, "nginx", 9), tree));
  EXPECT_FALSE(f.shows(signalTo(5, "nginx", 1), tree));
  EXPECT_FALSE(f.shows(signalTo(5, "apache", 15), tree));
}

TEST(LiveFilter, EachKeyLooksAtItsFact) {
  CommandTree tree;
  tree.add(42);
  auto shows = [&](const char* text, const LiveFacts& facts) {
    return LiveFilter::parse(text, true).shows(facts, tree);
  };
  EXPECT_TRUE(shows("pid=42", signalTo(42, "x", 15)));
  EXPECT_TRUE(shows("pid=3|42", signalTo(42, "x", 15)));
  EXPECT_FALSE(shows("pid=4", signalTo(42, "x", 15)));
  EXPECT_TRUE(shows("pid=6", signalTo(42, "x", 15, 6))) << "the sender of a call";
  EXPECT_TRUE(shows("tree", signalTo(42, "x", 15)));
  EXPECT_FALSE(shows("tree", signalTo(43, "x", 15)));
  EXPECT_TRUE(shows("origin=kernel", signalTo(42, "x", 15)));
  EXPECT_FALSE(shows("origin=user", signalTo(42, "x", 15)));
  EXPECT_TRUE(shows("origin=user", signalTo(42, "x", 15, 6)));
  EXPECT_TRUE(shows("kind=signal|oom", signalTo(42, "x", 15)));
  EXPECT_FALSE(shows("kind=exit", signalTo(42, "x", 15)));
  EXPECT_TRUE(shows("signal=SIGTERM", signalTo(42, "x", 15)));
  LiveFacts oom{.kind = LiveKind::kOom, .origin = LiveOrigin::kKernel};
  EXPECT_FALSE(shows("signal=KILL", oom)) << "an OOM kill carries no signal of its own";
}

TEST(LiveFilter, NegationIsTheOppositeOfTheTerm) {
  CommandTree tree;
  EXPECT_FALSE(LiveFilter::parse("comm!=pyenv", false).shows(signalTo(1, "pyenv", 17), tree));
  EXPECT_TRUE(LiveFilter::parse("comm!=pyenv", false).shows(signalTo(1, "python", 17), tree));
  EXPECT_TRUE(LiveFilter::parse("signal!=CHLD", false).shows(signalTo(1, "x", 15), tree));
  EXPECT_FALSE(LiveFilter::parse("signal!=CHLD|TERM", false).shows(signalTo(1, "x", 15), tree));
}

TEST(LiveFilter, ProbesOnlyWhenAskedFor) {
  CommandTree tree;
  tree.add(100);
  EXPECT_FALSE(LiveFilter::parse("all", true).shows(probeOf(7, 100), tree));
  EXPECT_TRUE(LiveFilter::parse("all,probes", true).shows(probeOf(7, 100), tree));
  EXPECT_TRUE(LiveFilter::parse("tree,probes", true).shows(probeOf(7, 100), tree))
      << "a probe aimed into the tree";
  EXPECT_FALSE(LiveFilter::parse("tree,probes", true).shows(probeOf(7, 8), tree));
  EXPECT_TRUE(LiveFilter::parse("probes", true).shows(probeOf(7, 8), tree));
}

TEST(LiveFilter, BadTermsAreRefusedInOneLineNamingThem) {
  const std::pair<const char*, const char*> cases[] = {
      {"signal=TREM", "--print-filter: 'signal=TREM': 'TREM' is not a signal"},
      {"pid=12x", "--print-filter: 'pid=12x': '12x' is not a pid"},
      {"pid=0", "--print-filter: 'pid=0': '0' is not a pid"},
      {"pid=-3", "--print-filter: 'pid=-3': '-3' is not a pid"},
      {"pid=99999999999", "--print-filter: 'pid=99999999999': '99999999999' is not a pid"},
      {"origin=cron", "--print-filter: 'origin=cron': 'cron' is not one of kernel|user"},
      {"kind=exit|", "--print-filter: 'kind=exit|': empty value"},
      {"comm=averyveryverylongname", "--print-filter: 'comm=averyveryverylongname': a comm is"},
      {"tree,,pid=1", "--print-filter: empty term in 'tree,,pid=1'"},
      {"tree,", "--print-filter: empty term in 'tree,'"},
      {"", "--print-filter: empty term in ''"},
      {"all,tree", "--print-filter: 'all' stands alone or with 'probes'"},
      {"colour=red", "--print-filter: 'colour=red': unknown key 'colour' (all, tree, probes"},
      {"trees", "--print-filter: 'trees': unknown term (all, tree, probes"},
      {"=x", "--print-filter: '=x': unknown term"},
  };
  for (const auto& [text, message] : cases) {
    const std::string error = errorOf(text);
    EXPECT_EQ(error.rfind(message, 0), 0u) << text << ": " << error;
    EXPECT_EQ(error.find('\n'), std::string::npos) << text;
  }
  EXPECT_EQ(errorOf("tree", false), "--print-filter: 'tree': needs a command after --");
  EXPECT_EQ(errorOf("tree,probes,pid=1|2,comm!=a,signal=KILL,origin=user,kind=call"), "");
}

}  // namespace
}  // namespace sigrec::record
