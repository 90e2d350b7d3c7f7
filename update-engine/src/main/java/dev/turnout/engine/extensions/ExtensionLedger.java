package dev.turnout.engine.extensions;

import dev.turnout.engine.prefs.PrefKeys;
import dev.turnout.engine.prefs.Prefs;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;

/**
 * What prefs keep about the extensions of the version being installed: which version that is,
 * how many attempts for it failed on an extension, and which optional extensions it went ahead
 * without. The client reads the same files.
 */
public final class ExtensionLedger {

  private final Prefs prefs;

  public ExtensionLedger(Prefs prefs) {
    this.prefs = prefs;
  }

  /** The version whose extensions were last fetched, or empty. */
  public String target() throws IOException {
    return prefs.getString(PrefKeys.EXTENSIONS_TARGET).orElse("");
  }

  public void start(String version) throws IOException {
    if (!version.equals(target())) {
      prefs.setString(PrefKeys.EXTENSIONS_TARGET, version);
      prefs.setString(PrefKeys.EXTENSIONS_FAILURES, version + " 0");
      prefs.setString(PrefKeys.EXTENSIONS_LEFT_BEHIND, "");
    }
  }

  /** Attempts for {@code version} that failed on an extension. */
  public long failures(String version) throws IOException {
    String[] f = prefs.getString(PrefKeys.EXTENSIONS_FAILURES).orElse("").split(" ");
    if (f.length != 2 || !f[0].equals(version)) {
      return 0;
    }
    try {
      return Math.max(0, Long.parseLong(f[1]));
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  public void failed(String version) throws IOException {
    prefs.setString(PrefKeys.EXTENSIONS_FAILURES, version + " " + (failures(version) + 1));
  }

  public void leftBehind(String version, List<String> ids) throws IOException {
    prefs.setString(PrefKeys.EXTENSIONS_LEFT_BEHIND, version + " " + String.join(",", ids));
  }

  /** The extensions {@code version} was installed without. */
  public List<String> leftBehind(String version) throws IOException {
    String v = prefs.getString(PrefKeys.EXTENSIONS_LEFT_BEHIND).orElse("");
    int sp = v.indexOf(' ');
    if (sp < 0 || !v.substring(0, sp).equals(version) || sp == v.length() - 1) {
      return List.of();
    }
    return Arrays.asList(v.substring(sp + 1).split(","));
  }
}
