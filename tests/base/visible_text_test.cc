#include "base/visible_text.h"

#include <gtest/gtest.h>

namespace sigrec::names {
namespace {

TEST(VisibleText, PrintableUtf8IsKept) {
  EXPECT_EQ(visibleText("python3 -c 'print(\"héllo ✓\")'"), "python3 -c 'print(\"héllo ✓\")'");
  EXPECT_EQ(visibleText(""), "");
}

TEST(VisibleText, TerminalControlsAreShownEscaped) {
  // prctl(PR_SET_NAME, "\x1b[31mEVIL\x1b[0m"): no raw ESC may reach a terminal.
  EXPECT_EQ(visibleText("\x1b[31mEVIL\x1b[0m"), "\\x1b[31mEVIL\\x1b[0m");
  EXPECT_EQ(visibleText("a\nb\tc\rd\x7f\x01"), "a\\nb\\tc\\rd\\x7f\\x01");
}

TEST(VisibleText, AForgedRowStaysOnItsLine) {
  const std::string forged = "x\n  2026-12-01T00:00:00Z  SIGKILL  kill  SI_USER  delivered";
  EXPECT_EQ(visibleText(forged).find('\n'), std::string::npos);
}

TEST(VisibleText, BackslashesAreDoubledSoEscapesCannotBeFaked) {
  EXPECT_EQ(visibleText("\\x1b"), "\\\\x1b");
}

TEST(VisibleText, InvalidUtf8BytesAreShownAsBytes) {
  EXPECT_EQ(visibleText("a\xff"
                        "b"),
            "a\\xffb");
  EXPECT_EQ(visibleText("\xc3"), "\\xc3");                    // cut sequence
  EXPECT_EQ(visibleText("\xc0\xaf"), "\\xc0\\xaf");           // overlong '/'
  EXPECT_EQ(visibleText("\xed\xa0\x80"), "\\xed\\xa0\\x80");  // a surrogate
}

TEST(VisibleText, C1AndBidiControlsAreNamed) {
  EXPECT_EQ(visibleText("\xc2\x9b"
                        "31m"),
            "\\u{009b}31m");  // CSI
  EXPECT_EQ(visibleText("abc\xe2\x80\xae"
                        "fed"),
            "abc\\u{202e}fed");
}

TEST(LooksLikeFormula, FormulasButNotNumbers) {
  EXPECT_TRUE(looksLikeFormula("=HYPERLINK(\"x\")"));
  EXPECT_TRUE(looksLikeFormula("@SUM(A1)"));
  EXPECT_TRUE(looksLikeFormula("+cmd"));
  EXPECT_TRUE(looksLikeFormula("-2+3"));
  EXPECT_FALSE(looksLikeFormula("-1"));
  EXPECT_FALSE(looksLikeFormula("-3.5"));
  EXPECT_FALSE(looksLikeFormula("kill"));
  EXPECT_FALSE(looksLikeFormula(""));
}

}  // namespace
}  // namespace sigrec::names
