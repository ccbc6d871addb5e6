// The focused import (analyze/import/import_focus.h) must be invisible
// except in speed: for a capture, `sigan who-killed PID CAPTURE` (focused)
// prints what the full import answers, in every format, with the same
// notes and exit status. Runs the real sigan (SIGREC_BUILD_DIR/sigan).
#pragma once

#include <cstddef>
#include <cstdint>
#include <set>
#include <string>

namespace sigrec::testing {

// The pids asked about: every pid with an exit, every pid or tid a signal
// or kill call was aimed at, a few processes without an exit, and one pid
// that appears nowhere, those of a `sigrec -- CMD` capture's command scope
// first, at most MAXPIDS of them. EXTRA: more to ask about.
std::set<int64_t> pidsWorthAsking(const std::string& database, const std::set<int64_t>& extra = {},
                                  size_t maxPids = SIZE_MAX);

// Imports CAPTURE in full (`sigan import -o`), then for each pid of
// pidsWorthAsking() and each of table, json and csv checks (gtest
// expectations) that the focused answer equals both full answers: from
// the database (stdout and status; stderr without the capture's import
// note, which only a capture source prints) and from the capture through
// the import cache (SIGAN_CACHE_DIR: a full import, stdout, stderr and
// status all equal). Returns how many pids were asked about.
size_t expectFocusInvisible(const std::string& capture, const std::set<int64_t>& extra = {},
                            size_t maxPids = SIZE_MAX);

}  // namespace sigrec::testing
