package dev.turnout.labserver;

/** Orders Flatcar versions ({@code 3815.2.0}): numeric dotted parts, then text. */
final class Versions {
  private Versions() {}

  /** Negative, zero or positive as {@code a} is older than, equal to or newer than {@code b}. */
  static int compare(String a, String b) {
    String[] x = a.split("[.+-]");
    String[] y = b.split("[.+-]");
    for (int i = 0; i < Math.max(x.length, y.length); i++) {
      String p = i < x.length ? x[i] : "0";
      String q = i < y.length ? y[i] : "0";
      int c;
      if (p.matches("\\d{1,18}") && q.matches("\\d{1,18}")) {
        c = Long.compare(Long.parseLong(p), Long.parseLong(q));
      } else {
        c = p.compareTo(q);
      }
      if (c != 0) {
        return c;
      }
    }
    return 0;
  }
}
