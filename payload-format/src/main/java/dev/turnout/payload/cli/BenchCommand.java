package dev.turnout.payload.cli;

import dev.turnout.payload.DecoderTiming;
import dev.turnout.payload.Keys;
import dev.turnout.payload.PayloadFile;
import dev.turnout.payload.PayloadGenerator;
import dev.turnout.payload.PayloadSigner;
import dev.turnout.payload.proto.UpdateMetadata.InstallOperation;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Applies a large payload made from realistic content and measures, in the same run, the native
 * floor: {@code bzip2 -d} of the same compressed chunks spread over the cores, single-threaded
 * {@code bzip2 -d}, and {@code sha256sum} of the payload. The apply runs in a child JVM (the
 * {@code payload apply} command, with a small heap) so its wall time and peak RSS are its own.
 */
@Command(mixinStandardHelpOptions = true, name = "bench", description = "Apply a large realistic payload and measure it against the"
    + " native floor (bzip2 -d over the cores, sha256sum) on this machine.")
final class BenchCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--size-mib", description = "image size in MiB (default 1024)")
  int sizeMib = 1024;

  @Option(names = "--source", description = "directory whose tar makes the image (default /usr)")
  Path source = Path.of("/usr");

  @Option(names = "--workdir", description = "where the image, payload and partition go")
  Path workdir;

  @Option(names = "--key", required = true, description = "PEM private key to sign with")
  Path key;

  @Option(names = "--public-key", required = true, description = "its public half")
  Path publicKey;

  @Option(names = "--heap", description = "-Xmx of the applying JVM (default 64m)")
  String heap = "64m";

  @Option(names = "--runs", description = "apply runs; the best is reported (default 3)")
  int runs = 3;

  @Option(names = "--decoder-ops", description = "REPLACE_BZ operations the decoder is timed on"
      + " alone, one thread, against lbzip2 -n1 and bzip2 (default 200)")
  int decoderOps = 200;

  private PrintWriter out;

  @Override
  public Integer call() throws Exception {
    out = spec.commandLine().getOut();
    Path dir = workdir != null ? workdir : Files.createTempDirectory("payload-bench");
    Files.createDirectories(dir);
    int cores = Runtime.getRuntime().availableProcessors();
    Path image = dir.resolve("usr.img");
    long size = (long) sizeMib << 20;
    if (!Files.exists(image) || Files.size(image) != size) {
      out.printf("making a %d MiB image from a tar of %s ...%n", sizeMib, source);
      makeImage(image, size);
    }
    Path payload = dir.resolve("update.gz");
    double generate = -1;
    if (!Files.exists(payload)) {
      out.println("generating and signing the payload ...");
      long t0 = System.nanoTime();
      Path unsigned = dir.resolve("update.unsigned");
      new PayloadGenerator(cores).generate(image, null, unsigned);
      PayloadSigner.sign(unsigned, List.of(Keys.readPrivate(key)), payload);
      Files.delete(unsigned);
      generate = (System.nanoTime() - t0) / 1e9;
      out.printf("  generated in %.1f s%n", generate);
    }
    boolean lbzip2 = onPath("lbzip2");
    PayloadFile pf = PayloadFile.read(payload);
    double payloadMib = Files.size(payload) / 1048576.0;
    double imageMib = pf.manifest().getNewPartitionInfo().getSize() / 1048576.0;
    out.printf("payload: %.1f MiB for a %.1f MiB image, %d operations%n", payloadMib, imageMib,
        pf.manifest().getPartitionOperationsCount());

    List<Path> shards = shardCompressedChunks(pf, dir, cores);
    Path single = dir.resolve("chunks-all.bz2");
    concat(shards, single);
    dropCaches(payload);
    double parallel = best(() -> timeProcesses(shards.stream()
        .map(s -> List.of("bzip2", "-dc", s.toString())).toList()));
    double oneThread = best(() -> timeProcesses(List.of(List.of("bzip2", "-dc", single.toString()))));
    double sha = best(() -> timeProcesses(List.of(List.of("sha256sum", payload.toString()))));
    // lbzip2, the fastest native bzip2 there is, on all cores: the bar the issue set.
    double lbzip2Decode = !lbzip2 ? -1 : best(() -> timeProcesses(List.of(List.of("lbzip2",
        "-n" + cores, "-dc", single.toString()))));
    double lbzip2Encode = !lbzip2 || generate < 0 ? -1 : best(() -> timeProcesses(List.of(
        List.of("lbzip2", "-9", "-n" + cores, "-c", image.toString()))));

    // The decoder alone on one thread, against the native decoders on the same streams.
    List<byte[]> first = compressedChunks(pf, decoderOps);
    Path firstFile = dir.resolve("chunks-first.bz2");
    try (OutputStream o = Files.newOutputStream(firstFile)) {
      for (byte[] b : first) {
        o.write(b);
      }
    }
    long[] decoded = {0};
    DecoderTiming.seconds(first, decoded); // warm-up: the decoder's loops compiled
    double decoder = best(() -> DecoderTiming.seconds(first, decoded));
    double lbzip2One = !lbzip2 ? -1 : best(() -> timeProcesses(List.of(List.of("lbzip2", "-n1",
        "-dc", firstFile.toString()))));
    double bzip2One = best(() -> timeProcesses(List.of(List.of("bzip2", "-dc",
        firstFile.toString()))));

    Path partition = dir.resolve("partition.img");
    try (RandomAccessFile f = new RandomAccessFile(partition.toFile(), "rw")) {
      f.setLength(Math.max(size, 1L << 20));
    }
    double apply = Double.MAX_VALUE;
    long rss = 0;
    for (int i = 0; i < runs; i++) {
      long[] peak = {0};
      double t = applyInChildJvm(payload, partition, peak);
      if (t < apply) {
        apply = t;
      }
      rss = Math.max(rss, peak[0]);
    }
    out.println();
    out.printf("machine:                      %d cores, %s %s, Java %s%n", cores,
        System.getProperty("os.name"), System.getProperty("os.arch"),
        System.getProperty("java.version"));
    out.printf("apply (payload apply, -Xmx%s): %6.2f s  %6.1f MiB/s of payload, %6.1f MiB/s of image%n",
        heap, apply, payloadMib / apply, imageMib / apply);
    out.printf("native floor, bzip2 -d x%d:    %6.2f s%n", cores, parallel);
    out.printf("native bzip2 -d, 1 thread:    %6.2f s%n", oneThread);
    out.printf("sha256sum of the payload:     %6.2f s%n", sha);
    out.printf("apply / floor:                %6.2f%n", apply / parallel);
    out.printf("apply / single-thread bzip2:  %6.2f%n", apply / oneThread);
    if (lbzip2) {
      out.printf("lbzip2 -d -n%d of the chunks:   %6.2f s%n", cores, lbzip2Decode);
      out.printf("apply / lbzip2 -d:            %6.2f%n", apply / lbzip2Decode);
    } else {
      out.println("lbzip2:                       not installed (apt-get install lbzip2)");
    }
    if (generate >= 0) {
      out.printf("generate (in this JVM):       %6.2f s%n", generate);
      if (lbzip2) {
        out.printf("lbzip2 -9 -n%d of the image:   %6.2f s%n", cores, lbzip2Encode);
        out.printf("generate / lbzip2 -9:         %6.2f%n", generate / lbzip2Encode);
      }
    }
    out.printf("decoder alone, 1 thread:      %6.2f s  (%d operations, %.1f MiB out)%n", decoder,
        first.size(), decoded[0] / 1048576.0);
    out.printf("native bzip2 -d, same streams: %5.2f s  decoder / bzip2: %.2f%n", bzip2One,
        decoder / bzip2One);
    if (lbzip2) {
      out.printf("lbzip2 -d -n1, same streams:  %6.2f s  decoder / lbzip2: %.2f%n", lbzip2One,
          decoder / lbzip2One);
    }
    out.printf("peak RSS of the applying JVM: %6.1f MiB%n", rss / 1024.0);
    return 0;
  }

  private static boolean onPath(String tool) {
    for (String d : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
      if (!d.isEmpty() && Files.isExecutable(Path.of(d, tool))) {
        return true;
      }
    }
    return false;
  }

  private interface Timed {
    double run() throws Exception;
  }

  private double best(Timed t) throws Exception {
    double b = Double.MAX_VALUE;
    for (int i = 0; i < runs; i++) {
      b = Math.min(b, t.run());
    }
    return b;
  }

  /** A tar stream of the source tree, cut or zero-padded to the size: file system-like content. */
  private void makeImage(Path image, long size) throws IOException, InterruptedException {
    Process tar = new ProcessBuilder("tar", "-cf", "-", "-C", source.getParent().toString(),
        source.getFileName().toString()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    long written = 0;
    try (InputStream in = tar.getInputStream(); OutputStream o = Files.newOutputStream(image)) {
      byte[] buf = new byte[1 << 20];
      int n;
      while (written < size && (n = in.read(buf, 0, (int) Math.min(buf.length, size - written)))
          > 0) {
        o.write(buf, 0, n);
        written += n;
      }
    }
    tar.destroy();
    tar.waitFor();
    try (RandomAccessFile f = new RandomAccessFile(image.toFile(), "rw")) {
      f.setLength(size);
    }
  }

  /** The first {@code n} REPLACE_BZ blobs of the payload, each a whole bzip2 stream. */
  private static List<byte[]> compressedChunks(PayloadFile pf, int n) throws IOException {
    List<byte[]> blobs = new ArrayList<>();
    eachCompressedChunk(pf, n, blobs::add);
    return blobs;
  }

  /** The REPLACE_BZ blobs, dealt round-robin into one file of concatenated streams per core. */
  private static List<Path> shardCompressedChunks(PayloadFile pf, Path dir, int cores)
      throws IOException {
    List<Path> shards = new ArrayList<>();
    List<OutputStream> outs = new ArrayList<>();
    for (int i = 0; i < cores; i++) {
      Path p = dir.resolve("chunks-" + i + ".bz2");
      shards.add(p);
      outs.add(Files.newOutputStream(p));
    }
    try {
      int[] i = {0};
      eachCompressedChunk(pf, Integer.MAX_VALUE, b -> outs.get(i[0]++ % cores).write(b));
    } finally {
      for (OutputStream o : outs) {
        o.close();
      }
    }
    return shards;
  }

  private interface ChunkSink {
    void accept(byte[] blob) throws IOException;
  }

  /** Reads the payload's first {@code n} REPLACE_BZ blobs in order, one at a time. */
  private static void eachCompressedChunk(PayloadFile pf, int n, ChunkSink sink)
      throws IOException {
    int seen = 0;
    try (FileChannel ch = FileChannel.open(pf.path())) {
      for (InstallOperation op : pf.manifest().getPartitionOperationsList()) {
        if (seen == n) {
          return;
        }
        if (op.getType() == InstallOperation.Type.REPLACE_BZ) {
          ByteBuffer b = ByteBuffer.allocate(op.getDataLength());
          long at = pf.metadataSize() + Integer.toUnsignedLong(op.getDataOffset());
          while (b.hasRemaining()) {
            if (ch.read(b, at + b.position()) < 0) {
              throw new EOFException(pf.path() + " ends inside an operation's data");
            }
          }
          sink.accept(b.array());
          seen++;
        }
      }
    }
  }

  private static void concat(List<Path> parts, Path out) throws IOException {
    try (OutputStream o = Files.newOutputStream(out)) {
      for (Path p : parts) {
        Files.copy(p, o);
      }
    }
  }

  /** Reads the file once so every measurement starts with it in the page cache. */
  private static void dropCaches(Path warm) throws IOException {
    try (InputStream in = Files.newInputStream(warm)) {
      in.transferTo(OutputStream.nullOutputStream());
    }
  }

  private static double timeProcesses(List<List<String>> commands) throws Exception {
    long t0 = System.nanoTime();
    List<Process> ps = new ArrayList<>();
    for (List<String> c : commands) {
      ps.add(new ProcessBuilder(c).redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .redirectError(ProcessBuilder.Redirect.INHERIT).start());
    }
    for (Process p : ps) {
      if (!p.waitFor(30, TimeUnit.MINUTES) || p.exitValue() != 0) {
        throw new IOException(p.info().command().orElse("?") + " failed");
      }
    }
    return (System.nanoTime() - t0) / 1e9;
  }

  private double applyInChildJvm(Path payload, Path partition, long[] peakKib) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String jar = Path.of(BenchCommand.class.getProtectionDomain().getCodeSource().getLocation()
        .toURI()).toString();
    long t0 = System.nanoTime();
    Process p = new ProcessBuilder(java, "-Xmx" + heap, "-XX:+UseSerialGC", "-cp", jar,
        PayloadCommand.class.getName(), "apply", "--public-key", publicKey.toString(), "--target",
        partition.toString(), payload.toString())
        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    Path status = Path.of("/proc", Long.toString(p.pid()), "status");
    while (p.isAlive()) {
      try {
        for (String line : Files.readAllLines(status)) {
          if (line.startsWith("VmHWM:")) {
            peakKib[0] = Math.max(peakKib[0], Long.parseLong(line.replaceAll("\\D", "")));
          }
        }
      } catch (IOException e) {
        // exited between the check and the read
      }
      Thread.sleep(20);
    }
    double t = (System.nanoTime() - t0) / 1e9;
    if (p.exitValue() != 0) {
      throw new IOException("payload apply failed with exit " + p.exitValue());
    }
    return t;
  }
}
