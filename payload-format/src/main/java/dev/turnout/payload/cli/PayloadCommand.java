package dev.turnout.payload.cli;

import dev.turnout.payload.PayloadException;
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
    subcommands = {GenerateCommand.class, KeygenCommand.class, HashCommand.class, SignCommand.class, ShowCommand.class,
        VerifyCommand.class, ApplyCommand.class, BenchCommand.class})
public final class PayloadCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
  }

  public static void main(String[] args) {
    System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
  }

  /** Runs a command line; returns the exit status. */
  public static int run(String[] args, PrintWriter out, PrintWriter err) {
    CommandLine cl = new CommandLine(new PayloadCommand());
    cl.setOut(out);
    cl.setErr(err);
    cl.setExecutionExceptionHandler((e, line, parsed) -> {
      String name = "payload " + line.getCommandName();
      if (e instanceof PayloadException p) {
        err.println(name + ": " + p.getMessage());
      } else {
        err.println(name + ": " + (e.getMessage() != null ? e.getMessage() : e.toString()));
      }
      return 1;
    });
    return cl.execute(args);
  }
}
