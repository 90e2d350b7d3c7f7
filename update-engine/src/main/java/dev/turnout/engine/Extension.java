package dev.turnout.engine;

/**
 * One wanted extension: the OEM agent's ({@code oem-azure}) or a Flatcar extension
 * ({@code flatcar-zfs}). Names are checked when read, so none of them can name a path.
 *
 * @param name the name without its kind's prefix: the OEM ID, or the extension name
 */
record Extension(Kind kind, String name) {
  public enum Kind { OEM, FLATCAR }

  /** What a name may hold: it becomes part of file names and URLs. */
  static final java.util.regex.Pattern NAME = java.util.regex.Pattern.compile(
      "[A-Za-z0-9][A-Za-z0-9_.+-]{0,63}");

  public Extension {
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("not an extension name: \"" + name + "\"");
    }
  }

  /** {@code oem-azure} or {@code flatcar-zfs}: the prefix of its file names. */
  public String id() {
    return (kind == Kind.OEM ? "oem-" : "flatcar-") + name;
  }

  /** The Omaha package and release-server file: {@code oem-azure.gz}. */
  public String packageName() {
    return id() + ".gz";
  }

  /** The name development builds give the same package. */
  public String devPackageName() {
    return "flatcar_test_update-" + packageName();
  }

  /** The image's file name for {@code version}, as the initrd looks for it. */
  public String fileName(String version) {
    return id() + "-" + version + ".raw";
  }

  @Override
  public String toString() {
    return id();
  }
}
