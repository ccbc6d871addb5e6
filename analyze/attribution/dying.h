// Signals that reached a process already dying.
//
// Rule: once a process has taken a fatal signal, the kernel marks it as
// exiting as a group (SIGNAL_GROUP_EXIT, set by complete_signal() as the
// fatal signal is generated, or by do_coredump()/do_group_exit() later),
// and prepare_signal() drops every later signal but SIGKILL, reporting it
// at signal_generate as TRACE_SIGNAL_IGNORED. Shown as "ignored", such a
// signal reads as if the process had ignored it; it arrived too late. A
// signal is so marked when the kernel reported it ignored and it was
// generated after the target's fatal signal (exits.signal_id).
#pragma once

#include <string>
#include <string_view>

namespace sigrec::analyze {

// True for signals row ALIAS, whose target's fatal signal has the id
// FATALID (an SQL expression, e.g. a parameter), when it arrived while the
// target was already dying.
std::string arrivedWhileDying(std::string_view alias, std::string_view fatalId);

}  // namespace sigrec::analyze
