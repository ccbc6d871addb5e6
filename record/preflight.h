// Checks made before loading anything, so that the common failures (not
// root, no BTF, old kernel, no tracefs) get a message a user can act on
// instead of a libbpf error code.
#pragma once

#include <string>

namespace sigrec::record {

// Throws RecordError on the first unmet requirement.
void checkPrivileges();
void checkKernel();
// Classic tracepoints (the kill-family syscalls, oom:mark_victim) are
// attached through tracefs ids: mounts tracefs if it is not mounted.
// Returns where it is, and whether sigrec mounted it.
std::string ensureTracefs();

}  // namespace sigrec::record
