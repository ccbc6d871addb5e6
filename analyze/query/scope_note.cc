#include "analyze/query/scope_note.h"

#include <fmt/format.h>
#include <unistd.h>

#include <iostream>
#include <vector>

#include "base/visible_text.h"

namespace sigrec::analyze {
namespace {

std::string plural(int64_t n, const char* one, const char* many) {
  return fmt::format("{} {}", n, n == 1 ? one : many);
}

}  // namespace

std::optional<std::string> captureScopeText(const Db& db, int64_t captureId) {
  auto stmt = db.prepare(
      "SELECT c.command_pid,"
      " (SELECT COUNT(*) FROM processes p WHERE p.capture_id = c.id"
      "  AND p.scope IN ('command', 'tree')) AS tree,"
      " (SELECT COUNT(*) FROM processes p WHERE p.capture_id = c.id"
      "  AND p.scope = 'signaller') AS signallers"
      " FROM captures c WHERE c.id = ?1 AND c.command_id IS NOT NULL");
  stmt.bind(1, captureId);
  if (!stmt.step()) return std::nullopt;
  return fmt::format("command tree of pid {} ({}) + {}", stmt.getInt("command_pid"),
                     plural(stmt.getInt("tree"), "process", "processes"),
                     plural(stmt.getInt("signallers"), "signaller", "signallers"));
}

void noteScope(const Db& db, const ContextFilter& context, int64_t hidden,
               const std::string& what) {
  if (context.scope != Scope::kCommand) return;
  auto captures = db.prepare(
      "SELECT id, path, command_id IS NOT NULL AS scoped FROM captures"
      " WHERE command IS NOT NULL AND command <> '' ORDER BY id");
  std::vector<std::string> scopes;
  while (captures.step()) {
    if (captures.getInt("scoped") != 0) {
      if (auto text = captureScopeText(db, captures.getInt("id"))) scopes.push_back(*text);
    } else {
      std::cerr << fmt::format(
          "sigan: note: {} does not name its command's process (it has no trailer, or an older "
          "sigrec wrote it): its answers cover the whole machine\n",
          names::visibleText(captures.getText("path")));
    }
  }
  if (scopes.empty() || (hidden == 0 && !::isatty(STDERR_FILENO))) return;
  std::string text = scopes.size() == 1 ? scopes.front()
                                        : fmt::format("{} and {} more captures", scopes.front(),
                                                      scopes.size() - 1);
  std::cerr << fmt::format("sigan: note: scope: {}; {}\n", text,
                           hidden > 0 ? fmt::format("{} more {} with --all", hidden, what)
                                      : std::string("--all for the whole machine"));
}

}  // namespace sigrec::analyze
