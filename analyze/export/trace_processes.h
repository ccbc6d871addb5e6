// The process part of a Perfetto export: one track per instance, named by
// comm and pid, labelled with its host, its life as a slice from fork (or
// from the start of the capture, "before the capture") to its exit, whose
// end args say how it ended.
#pragma once

#include <cstdint>
#include <map>
#include <set>

#include "analyze/store/db.h"
#include "analyze/export/trace_builder.h"

namespace sigrec::analyze::exporting {

// Adds the instances in SHOWN; returns signals.id -> instance for the
// signal that killed each.
std::map<int64_t, int64_t> addProcesses(const Db& db, const std::set<int64_t>& shown,
                                        TraceBuilder& trace);

}  // namespace sigrec::analyze::exporting
