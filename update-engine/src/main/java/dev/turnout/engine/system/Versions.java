package dev.turnout.engine.system;

import picocli.CommandLine;

/** {@code --version} of the daemon and its client: Turnout's version, from the jar's manifest. */
public final class Versions implements CommandLine.IVersionProvider {
  /** Turnout's version, or {@code development build} outside a built jar. */
  public static String turnout() {
    String v = Versions.class.getPackage().getImplementationVersion();
    return v == null ? "development build" : v;
  }

  @Override
  public String[] getVersion() {
    return new String[] {"${COMMAND-NAME} (Turnout) " + turnout()};
  }
}
