package dev.turnout.gpt.cli;

import dev.turnout.gpt.GptException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.NoSuchFileException;
import java.util.List;

/**
 * One cgpt subcommand: its options read as cgpt's getopt loop reads them ({@link Getopt}:
 * clustered short options, attached values, options after operands, later options win), cgpt's
 * error wording, and the shared output helpers.
 */
abstract class CgptCommand {
  boolean help;

  List<String> operands = List.of();

  String command;
  PrintStream out;
  PrintStream err;
  private int errors;

  /** The command's options in getopt's form ({@code "i:bv"}: -i takes a value), -h aside. */
  abstract String options();

  /** Takes one option, in command-line order; {@code value} is null for a flag. */
  abstract void option(char letter, String value);

  /** The option string getopt reads with: the command's options and -h. */
  final String optstring() {
    return "h" + options();
  }

  /** The text printed for {@code -h} and after option errors. */
  abstract String usage();

  /** Runs the command after its options were parsed and checked; returns the exit status. */
  abstract int run() throws IOException;

  /** Checks option values that depend on each other; reports with {@link #error}. */
  void validate() {}

  final int execute(String name, String[] args, PrintStream stdout, PrintStream stderr) {
    command = name;
    out = stdout;
    err = stderr;
    try {
      operands = Getopt.parse(optstring(), args, (letter, value) -> {
        if (letter == 'h') {
          help = true;
        } else {
          option(letter, value);
        }
      });
    } catch (Getopt.Refused e) {
      error(e.getMessage());
      out.print(usage());
      return 1;
    }
    if (help) {
      out.print(usage());
      return 0;
    }
    validate();
    if (errors > 0) {
      out.print(usage());
      return 1;
    }
    try {
      return run();
    } catch (GptException e) {
      return fail(e);
    } catch (NoSuchFileException e) {
      error("Can't open " + e.getFile() + ": No such file or directory");
      return 1;
    } catch (java.nio.file.AccessDeniedException e) {
      // cgpt's own words for a device only root may open (cgpt show /dev/sda as core).
      error("Can't open " + e.getFile() + ": Permission denied");
      return 1;
    } catch (IOException e) {
      error(e.getMessage() == null ? e.toString() : e.getMessage());
      return 1;
    }
  }

  /** Prints {@code ERROR: cgpt COMMAND: message} and counts it. */
  final void error(String message) {
    err.print("ERROR: cgpt " + command + ": " + message + "\n");
    errors++;
  }

  /** Reports a library failure the way cgpt words it, then the details that name the problem. */
  int fail(GptException e) {
    switch (e.kind()) {
      case NO_VALID_GPT -> error(String.format("GptSanityCheck() returned %d: %s",
          e.error().code, e.error().symbol()));
      case NEEDS_REPAIR -> error("one of the GPT header/entries is invalid.\n"
          + "please run 'cgpt repair' before changing anything.");
      case DEVICE, REQUEST -> error(e.getMessage());
    }
    details(e.details());
    return 1;
  }

  final void details(List<String> lines) {
    for (String line : lines) {
      err.print("  " + line + "\n");
    }
  }

  /** The DRIVE operand, or an error when it is missing. */
  final String drive() {
    return operands.isEmpty() ? null : operands.get(0);
  }

  final boolean requireDrive() {
    if (operands.isEmpty()) {
      error("missing drive argument");
      return false;
    }
    return true;
  }

  /** cgpt's option values: C {@code strtoul} with base 0 (decimal, 0x hex, 0 octal), whole string. */
  final Long number(char option, String text) {
    Long v = CNumbers.parseUnsigned(text);
    if (v == null) {
      error("invalid argument to -" + option + ": \"" + text + "\"");
    }
    return v;
  }

  /** A number that must lie within {@code min..max}. */
  final Integer ranged(char option, String text, int min, int max) {
    Long v = number(option, text);
    if (v == null) {
      return null;
    }
    if (v < min || v > max) {
      error("value for -" + option + " must be between " + min + " and " + max);
      return null;
    }
    return v.intValue();
  }
}
