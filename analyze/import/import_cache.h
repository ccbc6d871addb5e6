// The import cache: a query on a capture file keeps its import in a
// database file, so that later questions about the same capture open it
// (milliseconds) instead of importing the whole capture again. Keyed by the
// capture's identity (captures.capture_key), its size (a capture that grew
// is imported again) and its path (which the answers show). Off unless
// SIGAN_CACHE_DIR names a directory (docs/sigan.md, "Import cache").
#pragma once

#include <iosfwd>
#include <optional>
#include <string>

namespace sigrec::analyze {

// The cache database for CAPTURE, imported into it first if missing or
// stale; nullopt when the cache is off or cannot be used (unreadable first
// frame, directory not writable): the caller imports into memory then.
// Notes about a damaged or unfinished capture go to NOTES, hit or miss.
std::optional<std::string> cachedImport(const std::string& capture, std::ostream& notes);

}  // namespace sigrec::analyze
