package dev.turnout.engine;

/**
 * Orders release versions as Flatcar numbers them: dotted numbers compared number by number
 * ({@code 4081.2.10} after {@code 4081.2.9}; a missing part is 0), then a build suffix after
 * {@code +} compared as text (nightlies carry their date), none before any.
 */
final class ReleaseVersions {
  private ReleaseVersions() {}

  /** Negative, zero or positive as {@code a} is older than, the same as, or newer than {@code b}. */
  public static int compare(String a, String b) {
    String[] x = numbers(a).split("\\.");
    String[] y = numbers(b).split("\\.");
    for (int i = 0; i < Math.max(x.length, y.length); i++) {
      int c = Long.compare(part(x, i), part(y, i));
      if (c != 0) {
        return c;
      }
    }
    return build(a).compareTo(build(b));
  }

  /** Whether {@code a} is newer than {@code b}. */
  public static boolean newer(String a, String b) {
    return compare(a, b) > 0;
  }

  private static String numbers(String v) {
    int plus = v.indexOf('+');
    return plus < 0 ? v : v.substring(0, plus);
  }

  private static String build(String v) {
    int plus = v.indexOf('+');
    return plus < 0 ? "" : v.substring(plus + 1);
  }

  private static long part(String[] parts, int i) {
    if (i >= parts.length) {
      return 0;
    }
    try {
      return Long.parseLong(parts[i]);
    } catch (NumberFormatException e) {
      return -1; // not a number: before every number
    }
  }
}
