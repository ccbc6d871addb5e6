#include "base/visible_text.h"

#include <fmt/format.h>

#include <charconv>
#include <cstdint>

namespace sigrec::names {
namespace {

// The length of the valid UTF-8 sequence at the start of S and its code
// point, or 0 when it is not one (overlong forms and surrogates included).
size_t utf8Sequence(std::string_view s, char32_t& cp) {
  const auto b0 = static_cast<unsigned char>(s[0]);
  size_t n = b0 >= 0xF0 && b0 <= 0xF4 ? 4 : b0 >= 0xE0 ? 3 : b0 >= 0xC2 && b0 < 0xE0 ? 2 : 0;
  if (n == 0 || s.size() < n) return 0;
  cp = b0 & (0x7F >> n);
  for (size_t i = 1; i < n; ++i) {
    const auto b = static_cast<unsigned char>(s[i]);
    if ((b & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (b & 0x3F);
  }
  const bool overlong = (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000);
  const bool invalid = cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF);
  return overlong || invalid ? 0 : n;
}

// C1 controls, and the bidirectional embeddings, overrides and isolates
// ("Trojan Source", CVE-2021-42574) that make a terminal show text in an
// order other than the bytes'.
bool invisibleControl(char32_t cp) {
  return (cp >= 0x80 && cp <= 0x9F) || cp == 0x61C || cp == 0x200E || cp == 0x200F ||
         (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
}

void appendAscii(std::string& out, unsigned char c) {
  switch (c) {
    case '\\':
      out += "\\\\";
      return;
    case '\n':
      out += "\\n";
      return;
    case '\t':
      out += "\\t";
      return;
    case '\r':
      out += "\\r";
      return;
    default:
      if (c < 0x20 || c == 0x7F)
        out += fmt::format("\\x{:02x}", c);
      else
        out += static_cast<char>(c);
  }
}

}  // namespace

std::string visibleText(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      appendAscii(out, c);
      ++i;
      continue;
    }
    char32_t cp = 0;
    const size_t n = utf8Sequence(text.substr(i), cp);
    if (n == 0) {
      out += fmt::format("\\x{:02x}", c);
      ++i;
    } else if (invisibleControl(cp)) {
      out += fmt::format("\\u{{{:04x}}}", static_cast<uint32_t>(cp));
      i += n;
    } else {
      out.append(text.substr(i, n));
      i += n;
    }
  }
  return out;
}

bool looksLikeFormula(std::string_view field) {
  if (field.empty() || field.find_first_of("=+-@\t\r") != 0) return false;
  double number = 0;
  auto [end, error] = std::from_chars(field.data(), field.data() + field.size(), number);
  return error != std::errc() || end != field.data() + field.size();
}

}  // namespace sigrec::names
