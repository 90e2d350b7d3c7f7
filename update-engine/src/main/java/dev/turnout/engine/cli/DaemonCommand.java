package dev.turnout.engine.cli;

import dev.turnout.engine.Daemon;
import dev.turnout.engine.DownloadAndApply;
import dev.turnout.engine.HttpSettings;
import dev.turnout.engine.UpdateEngineMain.Parsed;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * {@code update_engine}'s command line: reads the arguments into the daemon's options, or
 * answers {@code --help}, {@code --version} and mistakes itself. Run in a loader of its own
 * ({@link dev.turnout.engine.UpdateEngineMain}), so it hands back only the parent's types.
 */
@Command(name = "update_engine", sortOptions = false, versionProvider = VersionProvider.class,
    description = {
    "Turnout's A/B update daemon, a drop-in for Flatcar's update_engine: checks the Omaha server",
    "of /etc/flatcar/update.conf, writes updates into the other USR partition, verifies them,",
    "makes them the next boot, serves com.coreos.update1 on the system bus, and marks a healthy",
    "boot good. The bus comes from DBUS_SYSTEM_BUS_ADDRESS when set.", ""})
public final class DaemonCommand implements Callable<Integer>, Function<String[], Parsed> {
  @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help")
  boolean help;

  @Option(names = {"-version", "--version"}, versionHelp = true,
      description = "show the version")
  boolean version;

  @Option(names = "-foreground", description = "accepted for Flatcar compatibility (always)")
  boolean foreground;

  @Option(names = "-logtostderr", description = "accepted for Flatcar compatibility (always)")
  boolean logToStderr;

  @Option(names = "--root", description = "root directory every system path resolves under"
      + " (default /)")
  Path root = Path.of("/");

  @Option(names = "--disk", description = "the boot disk (an image file in tests and the demo);"
      + " default: the disk holding the booted USR partition")
  Path disk;

  @Option(names = "--first-check-delay", description = "seconds before the first update check"
      + " (default 120..720, at random)")
  Long firstCheckDelay;

  @Option(names = "--mark-good-delay", description = "seconds after start before the booted"
      + " partition is marked good (default 45)")
  long markGoodDelay = 45;

  @Option(names = "--hook-timeout", description = "seconds a postinstall or health hook may"
      + " run before it is killed with what it started (default 600)")
  long hookTimeout = 600;

  @Option(names = "--download-retry-delay", hidden = true)
  long retryDelay = 20;

  @Option(names = "--download-retries", hidden = true)
  int retries = 20;

  @Option(names = "--checkpoint-interval-ms", hidden = true)
  long checkpointMillis = 2000;

  @Option(names = "--low-speed-time", hidden = true)
  long lowSpeedTime = 90;

  @Option(names = "--connect-timeout", hidden = true)
  long connectTimeout = 30;

  private Daemon.Options options;

  @Override
  public Parsed apply(String[] args) {
    int exit = new CommandLine(this).execute(args);
    return options == null ? Parsed.exit(exit) : Parsed.run(options);
  }

  @Override
  public Integer call() {
    HttpSettings http = HttpSettings.defaults().withTimeouts(Duration.ofSeconds(connectTimeout),
        Duration.ofSeconds(lowSpeedTime));
    DownloadAndApply.Tuning t = DownloadAndApply.Tuning.defaults();
    options = new Daemon.Options(root, disk,
        firstCheckDelay == null ? null : Duration.ofSeconds(firstCheckDelay),
        Duration.ofSeconds(markGoodDelay), busAddress(), http,
        new DownloadAndApply.Tuning(retries, Duration.ofSeconds(retryDelay),
            Duration.ofMillis(checkpointMillis), t.threads()), Duration.ofSeconds(hookTimeout));
    return 0;
  }

  /** The system bus, or the bus that activated the daemon (D-Bus activation sets the latter). */
  private static String busAddress() {
    String system = System.getenv("DBUS_SYSTEM_BUS_ADDRESS");
    return system != null ? system : System.getenv("DBUS_STARTER_ADDRESS");
  }
}
