package dev.turnout.payload.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code payload}: generate, sign, inspect, verify and apply Flatcar CrAU update payloads. Exit 0
 * when everything asked for succeeded and verified; 1 when a payload was rejected or an operation
 * failed, with a message that says exactly what; 2 for a usage error.
 */
@Command(name = "payload", mixinStandardHelpOptions = true, version = "payload (Turnout) 0.1.0",
    description = "Generate, sign, inspect, verify and apply Flatcar CrAU update payloads.",
    subcommands = {GenerateCommand.class, KeygenCommand.class, HashCommand.class,
        SignCommand.class, ShowCommand.class, VerifyCommand.class, ApplyCommand.class,
        BenchCommand.class, CommandLine.HelpCommand.class})
public final class PayloadCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
  }

  public static void main(String[] args) {
    System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
  }

  /** One line for a failure: what, and why (a missing file says so, not only its name). */
  static String describe(Exception e) {
    if (e instanceof java.nio.file.NoSuchFileException n) {
      return n.getFile() + ": No such file or directory";
    }
    if (e instanceof java.nio.file.AccessDeniedException a) {
      return a.getFile() + ": Permission denied";
    }
    if (e instanceof java.nio.file.FileSystemException f && f.getReason() != null) {
      return f.getFile() + ": " + f.getReason();
    }
    return e.getMessage() != null ? e.getMessage() : e.toString();
  }

  /** Runs a command line; returns the exit status. */
  public static int run(String[] args, PrintWriter out, PrintWriter err) {
    CommandLine cl = new CommandLine(new PayloadCommand());
    cl.setOut(out);
    cl.setErr(err);
    cl.setExecutionExceptionHandler((e, line, parsed) -> {
      String name = "payload " + line.getCommandName();
      err.println(name + ": " + describe(e));
      return 1;
    });
    return cl.execute(args);
  }
}
