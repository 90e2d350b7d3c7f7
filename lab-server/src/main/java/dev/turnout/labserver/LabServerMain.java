package dev.turnout.labserver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code omaha-server}: the lab Omaha server's command line. */
@Command(name = "omaha-server", sortOptions = false,
    description = {
        "Serve Flatcar updates to a lab or air-gapped fleet: answer Omaha update",
        "checks for one or more channels, serve the payloads with Range support,",
        "and log every request and event as one JSON line.",
        "",
        "Serve one release to a lab fleet:",
        "  omaha-server --listen 0.0.0.0:8080 --channel stable --version 4081.2.0 \\",
        "      --payload flatcar_production_update.gz --extension oem-azure.gz",
        "then on each machine, in /etc/flatcar/update.conf:",
        "  SERVER=http://THIS-HOST:8080/v1/update/",
        "  GROUP=stable",
        "Machines older than --version get the update; the others get noupdate.",
        "",
        "Several channels at once: --config FILE, a JSON file such as",
        "  {\"listen\": \"0.0.0.0:8080\", \"base_url\": \"http://updates.lab:8080\",",
        "   \"channels\": [{\"name\": \"stable\", \"version\": \"4081.2.0\",",
        "                 \"payload\": \"stable/flatcar_production_update.gz\",",
        "                 \"extensions\": [\"stable/oem-azure.gz\"]}]}",
        "(paths relative to the file; \"extensions_dir\": \"stable/sysexts\" serves every *.gz",
        "in a directory, as --extensions-dir does).",
        ""})
public final class LabServerMain implements Callable<Integer> {
  @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help")
  boolean help;

  @Option(names = "--listen", description = "HOST:PORT to bind (default 127.0.0.1:8080)")
  String listen;

  @Option(names = "--channel", description = "the channel (GROUP) to serve")
  String channel;

  @Option(names = "--version", description = "the release version of --payload")
  String version;

  @Option(names = "--payload", description = "the signed update payload")
  Path payload;

  @Option(names = "--extension", description = "an extension or OEM sysext payload; repeatable")
  List<Path> extensions = new ArrayList<>();

  @Option(names = "--extensions-dir", description = "serve every *.gz in this directory as an"
      + " extension of --payload (the oem-*.gz and flatcar-*.gz of the release)")
  Path extensionsDir;

  @Option(names = "--config", description = "JSON file serving several channels")
  Path config;

  @Option(names = "--base-url", description = "URL clients reach this server at, for payload"
      + " URLs (default: from each request's Host header)")
  String baseUrl;

  @Option(names = "--rate-limit", description = "cap each download at this many bytes/s")
  long rateLimit;

  @Option(names = "--log", description = "append JSON lines here instead of standard output")
  Path logFile;

  @Option(names = "--public-key", description = "warn at start when a payload's signature does"
      + " not verify under this key (repeatable)")
  List<Path> publicKeys = new ArrayList<>();

  public static void main(String[] args) {
    CommandLine cl = new CommandLine(new LabServerMain());
    cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
      if (e instanceof Usage u) {
        cmd.getErr().println("omaha-server: " + u.getMessage());
        return 2;
      }
      if (e instanceof java.io.IOException || e instanceof IllegalArgumentException) {
        cmd.getErr().println("omaha-server: " + StartChecks.describe(e));
        return 1;
      }
      throw e;
    });
    System.exit(cl.execute(args));
  }

  /** A wrong command line, said in one line with exit status 2. */
  static final class Usage extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Usage(String message) {
      super(message);
    }
  }

  @Override
  public Integer call() throws Exception {
    List<Channel> channels = new ArrayList<>();
    String listenSpec = listen;
    String base = baseUrl;
    if (config != null) {
      Config c = StartChecks.config(config);
      listenSpec = listenSpec != null ? listenSpec : c.listen();
      base = base != null ? base : c.baseUrl();
      channels.addAll(c.channels());
    }
    if (channel != null || version != null || payload != null) {
      if (channel == null || version == null || payload == null) {
        throw new Usage("--channel, --version and --payload go together");
      }
      List<Path> all = new ArrayList<>(extensions);
      if (extensionsDir != null) {
        all.addAll(Channel.extensionsIn(extensionsDir, payload));
      }
      channels.add(StartChecks.channel(channel, version, payload, all));
    }
    if (channels.isEmpty()) {
      throw new Usage("nothing to serve: give --channel/--version/--payload or --config");
    }
    for (Channel c : channels) {
      StartChecks.signatures(c, publicKeys);
    }
    InetSocketAddress addr;
    try {
      addr = parseListen(listenSpec == null ? "127.0.0.1:8080" : listenSpec);
    } catch (IllegalArgumentException e) {
      throw new Usage(e.getMessage());
    }
    if (listenSpec == null) {
      listenSpec = "127.0.0.1:8080";
    }
    PrintStream out = logFile == null ? System.out
        : new PrintStream(new FileOutputStream(logFile.toFile(), true), true,
            StandardCharsets.UTF_8);
    LabServer server;
    try {
      server = new LabServer(addr, channels, base, new RequestLog(out, Clock.systemUTC()))
          .rateLimit(rateLimit).start();
    } catch (java.io.IOException e) {
      throw new java.io.IOException("cannot listen on " + listenSpec + ": " + e.getMessage(), e);
    }
    CountDownLatch stop = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.close();
      stop.countDown();
    }));
    for (Channel c : channels) {
      System.err.printf("omaha-server: channel %s offers %s (%s, %d bytes)%n", c.name(),
          c.version(), c.payload().name(), c.payload().size());
    }
    System.err.printf("omaha-server: listening; SERVER=%s%n", server.updateUrl());
    stop.await();
    return 0;
  }

  /** The JSON config file form: listen address, base URL and channels (paths relative to it). */
  record Config(String listen, String baseUrl, List<Channel> channels) {}

  static Config readConfig(Path file) throws java.io.IOException {
    JsonNode c = new ObjectMapper().readTree(file.toFile());
    Path dir = file.toAbsolutePath().getParent();
    List<Channel> channels = new ArrayList<>();
    for (JsonNode ch : c.path("channels")) {
      List<Path> ext = new ArrayList<>();
      for (JsonNode e : ch.path("extensions")) {
        ext.add(dir.resolve(e.asText()));
      }
      if (ch.hasNonNull("extensions_dir")) {
        ext.addAll(Channel.extensionsIn(dir.resolve(ch.get("extensions_dir").asText()),
            dir.resolve(ch.path("payload").asText())));
      }
      channels.add(Channel.of(ch.path("name").asText(), ch.path("version").asText(),
          dir.resolve(ch.path("payload").asText()), ext));
    }
    return new Config(c.hasNonNull("listen") ? c.get("listen").asText() : null,
        c.hasNonNull("base_url") ? c.get("base_url").asText() : null, channels);
  }

  static InetSocketAddress parseListen(String spec) {
    int colon = spec.lastIndexOf(':');
    String port = colon < 0 ? "" : spec.substring(colon + 1);
    if (colon < 0 || !port.matches("\\d{1,5}") || Integer.parseInt(port) > 65535) {
      throw new IllegalArgumentException("--listen takes HOST:PORT (as 0.0.0.0:8080), not "
          + spec);
    }
    String host = spec.substring(0, colon).replace("[", "").replace("]", "");
    return new InetSocketAddress(host, Integer.parseInt(port));
  }
}
