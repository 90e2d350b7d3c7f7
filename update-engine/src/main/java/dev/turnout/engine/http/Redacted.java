package dev.turnout.engine.http;

import java.util.regex.Pattern;

/** URLs as logs and messages show them: the user name and password of a URL left out. */
public final class Redacted {
  private static final Pattern USERINFO = Pattern.compile("^([A-Za-z][A-Za-z0-9+.-]*://)[^/@]*@");

  private Redacted() {}

  /** {@code https://user:secret@host/x} as {@code https://***@host/x}; others unchanged. */
  public static String url(String url) {
    return url == null ? null : USERINFO.matcher(url).replaceFirst("$1***@");
  }
}
