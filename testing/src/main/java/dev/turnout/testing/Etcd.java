package dev.turnout.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real etcd v3 (Debian's etcd-server) for a test: on 127.0.0.1 with free ports and a data
 * directory of its own, the v2 API off (as etcd 3.6 has it), plain or TLS; stopped by
 * {@link #close}, its data removed with the test's directory. Fails in CI, skips elsewhere, when
 * etcd is not installed. Shared by the reboot coordinator's tests and the end-to-end ones.
 */
public final class Etcd implements AutoCloseable {
  public final String endpoint;
  private final List<String> cmd;
  private Process process;
  private final Path dir;

  public static void require() {
    boolean present = Files.isExecutable(Path.of("/usr/bin/etcd"));
    if (!present && "true".equals(System.getenv("CI"))) {
      throw new AssertionError("etcd is missing; .ci/run installs package etcd-server");
    }
    org.junit.jupiter.api.Assumptions.assumeTrue(present,
        "etcd not installed (apt-get install etcd-server etcd-client)");
  }

  /** Plain HTTP. */
  public static Etcd start(Path dir) throws Exception {
    return start(dir, null, null, null);
  }

  /**
   * TLS with {@code cert}/{@code key} for the server; with {@code clientCa}, clients must
   * present a certificate it signed.
   */
  public static Etcd start(Path dir, Path cert, Path key, Path clientCa) throws Exception {
    int client = freePort();
    int peer = freePort();
    String scheme = cert == null ? "http" : "https";
    String url = scheme + "://127.0.0.1:" + client;
    List<String> cmd = new ArrayList<>(List.of("etcd", "--name", "t", "--data-dir",
        Files.createDirectories(dir.resolve("etcd-data")).toString(),
        "--listen-client-urls", url, "--advertise-client-urls", url,
        "--listen-peer-urls", "http://127.0.0.1:" + peer,
        "--initial-advertise-peer-urls", "http://127.0.0.1:" + peer,
        "--initial-cluster", "t=http://127.0.0.1:" + peer, "--log-level", "warn",
        "--enable-v2=false"));
    if (cert != null) {
      cmd.addAll(List.of("--cert-file", cert.toString(), "--key-file", key.toString()));
    }
    if (clientCa != null) {
      cmd.addAll(List.of("--client-cert-auth", "--trusted-ca-file", clientCa.toString()));
    }
    Etcd e = new Etcd(url, cmd, dir);
    if (cert != null) {
      e.tlsFlags.addAll(List.of("--insecure-skip-tls-verify"));
    }
    e.launch();
    return e;
  }

  private Etcd(String endpoint, List<String> cmd, Path dir) {
    this.endpoint = endpoint;
    this.cmd = cmd;
    this.dir = dir;
  }

  private void launch() throws IOException {
    process = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("etcd.log").toFile()))
        .start();
    process.getOutputStream().close();
  }

  /** Starts etcd again on the same ports and data, after {@link #stop}. */
  public void restart() throws IOException {
    launch();
  }

  /** Waits until etcd serves (its {@code endpoint status} through etcdctl). */
  public Etcd awaitReady() throws Exception {
    long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < end) {
      if (ready()) {
        return this;
      }
      if (!process.isAlive()) {
        throw new AssertionError("etcd exited: " + Files.readString(dir.resolve("etcd.log")));
      }
      Thread.sleep(50);
    }
    throw new AssertionError("etcd did not start: " + Files.readString(dir.resolve("etcd.log")));
  }

  private boolean ready() throws Exception {
    int port = Integer.parseInt(endpoint.substring(endpoint.lastIndexOf(':') + 1));
    try (java.net.Socket s = new java.net.Socket()) {
      s.connect(new java.net.InetSocketAddress("127.0.0.1", port), 500);
    } catch (IOException notYet) {
      return false;
    }
    Thread.sleep(200); // the port is bound a moment before etcd serves on it
    return true;
  }

  /** The TLS options etcdctl needs for this etcd ({@code --cacert} and so on), if any. */
  private final List<String> tlsFlags = new ArrayList<>();

  /** etcdctl (v3) against this etcd, as a test's set-up step. */
  public String ctl(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("etcdctl", "--endpoints", endpoint));
    cmd.addAll(tlsFlags);
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().put("ETCDCTL_API", "3");
    Process p = pb.start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new AssertionError("etcdctl " + String.join(" ", args) + ": " + out);
    }
    return out;
  }

  /** Stops etcd (as a dead cluster for a test), keeping its data. */
  public void stop() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Override
  public void close() throws InterruptedException {
    stop();
  }

  public static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
