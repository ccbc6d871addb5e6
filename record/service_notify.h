// Readiness and status for systemd's Type=notify (docs/deploy.md): sent
// with sd_notify to $NOTIFY_SOCKET, and nothing at all when it is unset.
#pragma once

#include <string>

namespace sigrec::record {

// The probes are attached and PATH holds the header: events are recorded.
void notifyReady(const std::string& path);
// Recording is ending (the trailer follows).
void notifyStopping();

}  // namespace sigrec::record
