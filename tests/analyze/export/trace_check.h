// The invariants every Chrome Trace Event file sigan writes must hold, as
// Perfetto's JSON importer relies on them: the keys each phase needs, B/E
// pairs matched per track and complete events nested in them, flows with
// one start and one end bound to existing slices, timestamps monotonic per
// track, named tracks. Shared by the unit and end-to-end tests.
#pragma once

#include <nlohmann/json.hpp>

#include <functional>
#include <string>
#include <vector>

namespace sigrec::testing {

// Every violation, one line each (empty: the trace is valid).
std::vector<std::string> traceViolations(const nlohmann::json& trace);

// Events of TRACE that PRED accepts, in file order.
std::vector<nlohmann::json> traceEvents(const nlohmann::json& trace,
                                        const std::function<bool(const nlohmann::json&)>& pred);
// Trace pids whose process_name starts with PREFIX ("sleep 4242").
std::vector<int64_t> tracePids(const nlohmann::json& trace, const std::string& prefix);
// The event on the other end of E's flow (null if none).
nlohmann::json flowPartner(const nlohmann::json& trace, const nlohmann::json& e);

}  // namespace sigrec::testing
