package dev.turnout.testing;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.spi.ToolProvider;

/** Which classes of a package prefix compiled classes use, as the JDK's {@code jdeps} sees it. */
public final class ClassDeps {
  private ClassDeps() {}

  /**
   * The classes whose names start with {@code prefix} that the classes under {@code classes}
   * use (nested classes by their own binary names, {@code Outer$Inner}); empty when
   * {@code classes} does not exist.
   */
  public static Set<String> used(Path classes, String prefix) {
    Set<String> out = new TreeSet<>();
    if (!Files.isDirectory(classes)) {
      return out;
    }
    ToolProvider jdeps = ToolProvider.findFirst("jdeps")
        .orElseThrow(() -> new IllegalStateException("this JDK has no jdeps"));
    StringWriter text = new StringWriter();
    StringWriter err = new StringWriter();
    int rc = jdeps.run(new PrintWriter(text), new PrintWriter(err), "-verbose:class", "-e",
        prefix.replace(".", "\\.") + ".*", classes.toString());
    if (rc != 0) {
      throw new IllegalStateException("jdeps failed (" + rc + "): " + err);
    }
    for (String line : text.toString().split("\n")) {
      String[] f = line.trim().split("\\s+");
      if (f.length >= 3 && "->".equals(f[1]) && f[2].startsWith(prefix)) {
        out.add(f[2]);
      }
    }
    return out;
  }
}
