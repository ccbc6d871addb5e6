#include "record/service_notify.h"

#include <systemd/sd-daemon.h>

namespace sigrec::record {

// sd_notify's failures are ignored on purpose: a recorder whose supervisor
// went away must keep recording, and systemd reports a missing READY=1 itself.
void notifyReady(const std::string& path) {
  sd_notifyf(0, "READY=1\nSTATUS=recording to %s", path.c_str());
}

void notifyStopping() {
  sd_notify(0, "STOPPING=1\nSTATUS=stopping");
}

}  // namespace sigrec::record
