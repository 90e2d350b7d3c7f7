package dev.turnout.engine;

import java.util.regex.Pattern;

/** URLs as logs and messages show them: the user name and password of a URL left out. */
final class Redacted {
  private static final Pattern USERINFO = Pattern.compile("^([A-Za-z][A-Za-z0-9+.-]*://)[^/@]*@");

  private static final Pattern USERINFO_ANYWHERE = Pattern.compile(
      "([A-Za-z][A-Za-z0-9+.-]*://)[^/@\\s\"'<>]*@");

  private Redacted() {}

  /**
   * Every URL's user name and password in {@code text} (a logged Omaha response, say) as
   * {@code ***}.
   */
  public static String text(String text) {
    return text == null ? null : USERINFO_ANYWHERE.matcher(text).replaceAll("$1***@");
  }

  /** {@code https://user:secret@host/x} as {@code https://***@host/x}; others unchanged. */
  public static String url(String url) {
    return url == null ? null : USERINFO.matcher(url).replaceFirst("$1***@");
  }
}
