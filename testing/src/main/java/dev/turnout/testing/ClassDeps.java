package dev.turnout.testing;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
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
    for (String[] edge : edges(classes, prefix)) {
      out.add(edge[1]);
    }
    return out;
  }

  /**
   * Which top-level classes of {@code prefix} each top-level class under {@code classes} whose
   * name starts with {@code prefix} uses (a nested class counts as its outer class; a class's
   * use of itself is left out); empty when {@code classes} does not exist.
   */
  public static Map<String, Set<String>> graph(Path classes, String prefix) {
    Map<String, Set<String>> out = new TreeMap<>();
    for (String[] edge : edges(classes, prefix)) {
      String from = topLevel(edge[0]);
      String to = topLevel(edge[1]);
      if (from.startsWith(prefix)) {
        Set<String> uses = out.computeIfAbsent(from, k -> new TreeSet<>());
        if (!from.equals(to)) {
          uses.add(to);
        }
      }
    }
    return out;
  }

  private static String topLevel(String binaryName) {
    int nested = binaryName.indexOf('$');
    return nested < 0 ? binaryName : binaryName.substring(0, nested);
  }

  /** Each use jdeps reports of a class of {@code prefix}: {user, used}. */
  private static List<String[]> edges(Path classes, String prefix) {
    List<String[]> out = new ArrayList<>();
    if (!Files.isDirectory(classes)) {
      return out;
    }
    ToolProvider jdeps = ToolProvider.findFirst("jdeps")
        .orElseThrow(() -> new IllegalStateException("this JDK has no jdeps"));
    StringWriter text = new StringWriter();
    StringWriter err = new StringWriter();
    // -filter:none: uses within one package count too
    int rc = jdeps.run(new PrintWriter(text), new PrintWriter(err), "-verbose:class",
        "-filter:none", "-e", prefix.replace(".", "\\.") + ".*", classes.toString());
    if (rc != 0) {
      throw new IllegalStateException("jdeps failed (" + rc + "): " + err);
    }
    for (String line : text.toString().split("\n")) {
      String[] f = line.trim().split("\\s+");
      if (f.length >= 3 && "->".equals(f[1]) && f[2].startsWith(prefix)) {
        out.add(new String[] {f[0], f[2]});
      }
    }
    return out;
  }
}
