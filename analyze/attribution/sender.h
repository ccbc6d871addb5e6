// Who sent a signal, and so who killed a process that died of it.
//
// Rule: the acting task of a signal (signals.sender_*) is its sender only
// when a kill-family syscall raised it (origin names the syscall). For
// origin 'kernel' (a fault, the OOM killer, a timer, a broken pipe) the
// acting task is only context: the faulting task, the allocating task,
// whatever task the timer interrupted. The killer of a process is the
// sender of its fatal signal (exits.signal_id), so a kernel signal has none.
//
// The rule as SQL, for the views and the commands to read; none of them
// spells it again.
#pragma once

#include <string>
#include <string_view>

namespace sigrec::analyze {

// True for a row ALIAS of signals whose acting task is its sender.
std::string sentBySyscall(std::string_view alias);
// COLUMN (sender_pid, sender_comm, ...) of signals row ALIAS when its acting
// task is its sender, else NULL.
std::string senderColumn(std::string_view alias, std::string_view column);

}  // namespace sigrec::analyze
