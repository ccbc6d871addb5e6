// The report's timeline as inline SVG: a row per process of the tree and
// per sender, its life as a bar, each signal as a line from the sender's row
// to the target's (red for the fatal one), exits as marks, loss windows
// shaded across all rows.
#pragma once

#include <string>

#include "analyze/export/report_data.h"

namespace sigrec::analyze::exporting {

std::string timelineSvg(const ReportData& data);
// Text safe inside HTML or SVG (element content and quoted attributes).
std::string htmlEscape(const std::string& text);

}  // namespace sigrec::analyze::exporting
