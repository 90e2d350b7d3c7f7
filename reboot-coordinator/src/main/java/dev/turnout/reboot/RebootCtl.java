package dev.turnout.reboot;

import dev.turnout.engine.SystemPaths;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code rebootctl}: locksmithctl's subcommands ({@code status}, {@code lock [ID]},
 * {@code unlock [ID]}, {@code set-max N}) and output, against the etcd v3 semaphore or a
 * FleetLock server ({@code lock} and {@code unlock} only: the protocol has no status). Settings
 * come from the node's update.conf, as turnout-rebootd reads them, then from the flags
 * ({@code -endpoint}, {@code -group}, {@code -etcd-cafile}, {@code -etcd-certfile},
 * {@code -etcd-keyfile}, {@code -etcd-username}, {@code -etcd-password}, {@code -strategy}),
 * Go-style: {@code -flag value} or {@code -flag=value}, one or two dashes.
 */
public final class RebootCtl {
  private static final Map<String, String> FLAGS = Map.of("endpoint", "LOCKSMITHD_ENDPOINT",
      "group", "LOCKSMITHD_GROUP", "etcd-cafile", "LOCKSMITHD_ETCD_CAFILE",
      "etcd-certfile", "LOCKSMITHD_ETCD_CERTFILE", "etcd-keyfile", "LOCKSMITHD_ETCD_KEYFILE",
      "etcd-username", "LOCKSMITHD_ETCD_USERNAME", "etcd-password", "LOCKSMITHD_ETCD_PASSWORD",
      "strategy", "REBOOT_STRATEGY", "id", "LOCKSMITHD_ID");

  private RebootCtl() {}

  public static void main(String[] args) {
    System.exit(run(args, System.getenv(), System.out, System.err));
  }

  static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
    Map<String, String> settings = new HashMap<>();
    Path root = Path.of("/");
    List<String> rest = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.startsWith("-") && rest.isEmpty() || a.startsWith("-") && !a.matches("-?\\d+")) {
        String name = a.replaceFirst("^--?", "");
        String value = null;
        int eq = name.indexOf('=');
        if (eq >= 0) {
          value = name.substring(eq + 1);
          name = name.substring(0, eq);
        }
        if (name.equals("help") || name.equals("h")) {
          out.print(usage());
          return 0;
        }
        if (!FLAGS.containsKey(name) && !name.equals("root")) {
          err.println("rebootctl: unknown flag -" + name + "\n" + usage());
          return 2;
        }
        if (value == null) {
          if (i + 1 >= args.length) {
            err.println("rebootctl: flag needs an argument: -" + name);
            return 2;
          }
          value = args[++i];
        }
        if (name.equals("root")) {
          root = Path.of(value);
        } else {
          settings.put(FLAGS.get(name), value);
        }
      } else {
        rest.add(a);
      }
    }
    if (rest.isEmpty()) {
      err.print(usage());
      return 2;
    }
    SystemPaths paths = new SystemPaths(root);
    Map<String, String> all = new HashMap<>(env);
    all.putAll(settings);
    String strategy = all.getOrDefault("REBOOT_STRATEGY", "");
    RebootLock lock;
    CoordinatorConfig c;
    try {
      Map<String, String> forCtl = new HashMap<>(all);
      // rebootctl always speaks to a lock: etcd's unless the node (or -strategy) says FleetLock
      forCtl.put("REBOOT_STRATEGY", "fleetlock".equals(strategy) ? "fleetlock" : "etcd-lock");
      c = CoordinatorConfig.load(paths, forCtl);
      lock = Backends.lock(c);
    } catch (IllegalArgumentException | IOException e) {
      err.println("Error initializing etcd client: " + e.getMessage());
      return 1;
    }
    String cmd = rest.get(0);
    List<String> params = rest.subList(1, rest.size());
    try {
      switch (cmd) {
        case "status" -> {
          Semaphore s = lock.status();
          out.println("Available: " + s.semaphore());
          out.println("Max: " + s.max());
          if (!s.holdersOrEmpty().isEmpty()) {
            out.println();
            out.println("MACHINE ID");
            s.holdersOrEmpty().forEach(out::println);
          }
          return 0;
        }
        case "lock", "unlock" -> {
          String id = params.isEmpty() ? Backends.id(c, paths) : params.get(0);
          try {
            if (cmd.equals("lock")) {
              lock.lock(id);
            } else {
              lock.unlock(id);
            }
          } catch (LockException e) {
            err.println((cmd.equals("lock") ? "Error locking: " : "Error unlocking: ")
                + e.getMessage());
            return 1;
          }
          return 0;
        }
        case "set-max" -> {
          if (params.size() != 1) {
            err.println("New maximum value must be set.");
            return 1;
          }
          long max;
          try {
            max = Long.parseLong(params.get(0));
          } catch (NumberFormatException e) {
            err.println("Invalid maximum value: " + params.get(0));
            return 1;
          }
          long old = lock.status().max();
          lock.setMax(max);
          out.println("Old-Max: " + old);
          out.println("Max: " + lock.status().max());
          return 0;
        }
        default -> {
          err.println("rebootctl: unknown command \"" + cmd + "\"\n" + usage());
          return 2;
        }
      }
    } catch (IOException | LockException e) {
      err.println("Error setting value: " + e.getMessage());
      return 1;
    }
  }

  static String usage() {
    return "usage: rebootctl [flags] status | lock [ID] | unlock [ID] | set-max N\n"
        + "flags: -endpoint URL[,URL] -group NAME -etcd-cafile F -etcd-certfile F"
        + " -etcd-keyfile F -etcd-username U -etcd-password P -strategy etcd-lock|fleetlock"
        + " -id ID -root DIR\n"
        + "(defaults from /usr/share/flatcar/update.conf and /etc/flatcar/update.conf)\n";
  }
}
