#pragma once

namespace sigrec::record {
inline constexpr const char* kVersion = SIGREC_VERSION_STRING;
}
