package dev.turnout.gpt.cli;

/** Number parsing with C {@code strtoull(s, &end, 0)} rules, requiring the whole string. */
final class CNumbers {
  private CNumbers() {}

  /** Decimal, {@code 0x} hexadecimal or leading-0 octal; null when not entirely a number. */
  static Long parseUnsigned(String text) {
    String s = text.strip();
    if (s.isEmpty() || s.startsWith("-") || s.startsWith("+")) {
      return null;
    }
    int radix = 10;
    if (s.length() > 2 && (s.startsWith("0x") || s.startsWith("0X"))) {
      radix = 16;
      s = s.substring(2);
    } else if (s.length() > 1 && s.startsWith("0")) {
      radix = 8;
      s = s.substring(1);
    }
    try {
      return Long.parseUnsignedLong(s, radix);
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
