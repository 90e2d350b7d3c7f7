package dev.turnout.engine.system;

/** Turnout's version, from the jar's manifest. */
public final class Versions {
  private Versions() {}

  /** Turnout's version, or {@code development build} outside a built jar. */
  public static String turnout() {
    String v = Versions.class.getPackage().getImplementationVersion();
    return v == null ? "development build" : v;
  }
}
