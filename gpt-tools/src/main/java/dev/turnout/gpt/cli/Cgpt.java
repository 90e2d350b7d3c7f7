package dev.turnout.gpt.cli;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;

/**
 * {@code cgpt}: command-line compatible with Flatcar's cgpt (the seismograph fork) for the commands
 * Flatcar's scripts use. Commands may be abbreviated to any unique prefix, as in cgpt. Exit status 0
 * on success, 1 on any failure; errors go to stderr as {@code ERROR: cgpt COMMAND: message}.
 */
public final class Cgpt {
  private record Entry(String name, String comment, Supplier<CgptCommand> factory) {}

  private static final List<Entry> COMMANDS = List.of(
      new Entry("create", "Create or reset GPT headers and tables", CreateCommand::new),
      new Entry("add", "Add, edit or remove a partition entry", AddCommand::new),
      new Entry("show", "Show partition table and entries", ShowCommand::new),
      new Entry("repair", "Repair damaged GPT headers and tables", RepairCommand::new),
      new Entry("next", "Get the next root GUID to boot", NextCommand::new),
      new Entry("find", "Locate a partition by its GUID", FindCommand::new),
      new Entry("prioritize", "Reorder the priority of all Flatcar USR partitions",
          PrioritizeCommand::new));

  private Cgpt() {}

  public static void main(String[] args) {
    PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), false,
        StandardCharsets.UTF_8);
    PrintStream err = new PrintStream(new FileOutputStream(FileDescriptor.err), true,
        StandardCharsets.UTF_8);
    int rc = run(args, out, err);
    out.flush();
    System.exit(rc);
  }

  /** Runs one cgpt command line; returns the exit status. */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    if (args.length < 1) {
      usage(out);
      return 1;
    }
    String command = args[0];
    Entry match = null;
    int matches = 0;
    for (Entry e : COMMANDS) {
      if (e.name().equals(command)) {
        match = e;
        matches = 1;
        break;
      }
      if (!command.isEmpty() && e.name().startsWith(command)) {
        match = e;
        matches++;
      }
    }
    if (matches != 1) {
      usage(out);
      return 1;
    }
    CgptCommand cmd = match.factory().get();
    return cmd.execute(match.name(), Arrays.copyOfRange(args, 1, args.length), out, err);
  }

  private static void usage(PrintStream out) {
    out.print("\nUsage: cgpt COMMAND [OPTIONS] DRIVE\n\nSupported COMMANDs:\n\n");
    for (Entry e : COMMANDS) {
      out.printf("    %-15s  %s%n", e.name(), e.comment());
    }
    out.print("\nFor more detailed usage, use cgpt COMMAND -h\n\n");
  }
}
