#include "record/command_tree.h"

namespace sigrec::record {

void CommandTree::follow(schema::Event::Reader e) {
  if (e.which() == schema::Event::FORK) {
    auto f = e.getFork();
    // The acting task is the one that forked; a new thread (--threads) is
    // in the process already.
    if (!f.getThread() && contains(e.getPid())) add(f.getChildPid());
  } else if (e.which() == schema::Event::EXIT && e.getExit().getGroupDead()) {
    members_.erase(e.getPid());
  }
}

}  // namespace sigrec::record
