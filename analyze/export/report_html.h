// sigan report: one self-contained HTML file for a bug report. Everything
// is inline (CSS, SVG; no script, no font, no image to fetch) and a
// Content-Security-Policy forbids any load, so it opens offline in any
// browser. Top: the who-killed answer in words; below, the process tree,
// a timeline of signals and exits (the fatal chain highlighted, losses
// shaded), every signal, and the captures' metadata (docs/sigan.md, "report").
#pragma once

#include <iosfwd>

#include "analyze/export/report_data.h"

namespace sigrec::analyze::exporting {

void writeReportHtml(const ReportData& data, std::ostream& out);

}  // namespace sigrec::analyze::exporting
