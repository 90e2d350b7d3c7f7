package dev.turnout.engine;

import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The introspection document of {@code /com/coreos/update1}, as update_engine's
 * {@code update_engine.xml} declares it. dbus-java 5.2 writes a generic tuple's out-arguments
 * twice ({@code GetStatus} as {@code xdssxxdssx}); this puts each method's out-arguments right
 * and drops repeated interface blocks, leaving the rest as dbus-java generated it.
 */
final class Introspection {
  private static final Pattern METHOD = Pattern.compile("(?s)(<method name=\"[^\"]+\"\\s*>)(.*?)"
      + "(</method>)");
  private static final Pattern OUT_ARG = Pattern.compile("\\s*<arg type=\"[^\"]+\" direction="
      + "\"out\"/>\\n?");
  private static final Pattern INTERFACE = Pattern.compile("(?s) *<interface name=\"([^\"]+)\">"
      + ".*?</interface>\\n?");

  private Introspection() {}

  /** Each method's out-arguments once; each interface once. */
  static String fix(String interfaces) {
    StringBuilder once = new StringBuilder();
    Set<String> seen = new LinkedHashSet<>();
    Matcher i = INTERFACE.matcher(interfaces);
    while (i.find()) {
      if (seen.add(i.group(1))) {
        once.append(i.group());
      }
    }
    Matcher m = METHOD.matcher(once);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(out, Matcher.quoteReplacement(m.group(1) + halveOutArgs(m.group(2))
          + m.group(3)));
    }
    m.appendTail(out);
    return out.toString();
  }

  /** A body whose out-arguments are one list written twice keeps the first copy. */
  private static String halveOutArgs(String body) {
    Matcher a = OUT_ARG.matcher(body);
    java.util.List<String> args = new java.util.ArrayList<>();
    int first = -1;
    int last = -1;
    while (a.find()) {
      if (first < 0) {
        first = a.start();
      }
      last = a.end();
      args.add(a.group().strip());
    }
    int n = args.size();
    if (n == 0 || n % 2 != 0 || !args.subList(0, n / 2).equals(args.subList(n / 2, n))) {
      return body;
    }
    StringBuilder kept = new StringBuilder();
    for (String arg : args.subList(0, n / 2)) {
      kept.append("\n   ").append(arg);
    }
    return body.substring(0, first) + kept + "\n  " + body.substring(last).stripLeading();
  }
}
