package dev.turnout.testing;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.spi.ToolProvider;

/**
 * Finds package cycles in a module's compiled classes with the JDK's {@code jdeps}: the packages
 * of the project ({@code dev.turnout.*}) as a graph, and its strongly connected components of
 * more than one package. A cycle means two packages cannot be read, tested or moved apart.
 */
public final class PackageCycles {
  private PackageCycles() {}

  /** The package graph of {@code classes}: each project package and those it uses. */
  public static Map<String, Set<String>> graph(Path classes) {
    if (!Files.isDirectory(classes)) {
      throw new IllegalStateException(classes + " does not exist: compile the module first");
    }
    ToolProvider jdeps = ToolProvider.findFirst("jdeps")
        .orElseThrow(() -> new IllegalStateException("this JDK has no jdeps"));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int rc = jdeps.run(new PrintWriter(out), new PrintWriter(err), "-verbose:package",
        "-e", "dev\\.turnout\\..*", classes.toString());
    if (rc != 0) {
      throw new IllegalStateException("jdeps failed (" + rc + "): " + err);
    }
    Map<String, Set<String>> g = new TreeMap<>();
    for (String line : out.toString().split("\n")) {
      String[] f = line.trim().split("\\s+");
      if (f.length >= 3 && "->".equals(f[1]) && f[0].startsWith("dev.turnout")
          && f[2].startsWith("dev.turnout")) {
        g.computeIfAbsent(f[0], k -> new TreeSet<>());
        if (!f[0].equals(f[2])) {
          g.get(f[0]).add(f[2]);
        }
      }
    }
    return g;
  }

  /** The cycles of {@code graph}: each a set of packages that all reach each other. */
  public static List<Set<String>> cycles(Map<String, Set<String>> graph) {
    // Tarjan's strongly connected components.
    Map<String, Integer> index = new HashMap<>();
    Map<String, Integer> low = new HashMap<>();
    Deque<String> stack = new ArrayDeque<>();
    Set<String> onStack = new TreeSet<>();
    List<Set<String>> found = new ArrayList<>();
    int[] counter = {0};
    for (String v : graph.keySet()) {
      if (!index.containsKey(v)) {
        connect(v, graph, index, low, stack, onStack, found, counter);
      }
    }
    return found;
  }

  private static void connect(String v, Map<String, Set<String>> graph,
      Map<String, Integer> index, Map<String, Integer> low, Deque<String> stack,
      Set<String> onStack, List<Set<String>> found, int[] counter) {
    index.put(v, counter[0]);
    low.put(v, counter[0]++);
    stack.push(v);
    onStack.add(v);
    for (String w : graph.getOrDefault(v, Set.of())) {
      if (!index.containsKey(w)) {
        connect(w, graph, index, low, stack, onStack, found, counter);
        low.put(v, Math.min(low.get(v), low.get(w)));
      } else if (onStack.contains(w)) {
        low.put(v, Math.min(low.get(v), index.get(w)));
      }
    }
    if (low.get(v).equals(index.get(v))) {
      Set<String> component = new TreeSet<>();
      String w;
      do {
        w = stack.pop();
        onStack.remove(w);
        component.add(w);
      } while (!w.equals(v));
      if (component.size() > 1) {
        found.add(component);
      }
    }
  }

  /** Throws, naming every cycle, when the module's classes have any. */
  public static void assertNone(Path classes) {
    List<Set<String>> c = cycles(graph(classes));
    if (!c.isEmpty()) {
      throw new AssertionError("package cycles in " + classes + ": " + c);
    }
  }
}
