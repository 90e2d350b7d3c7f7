package dev.turnout.payload.cli;

import dev.turnout.payload.Keys;
import dev.turnout.payload.PayloadConsumer;
import dev.turnout.payload.PayloadConsumerBuilder;
import dev.turnout.payload.PayloadLimits;
import dev.turnout.payload.PayloadResult;
import dev.turnout.payload.PayloadVerifier;
import dev.turnout.payload.PayloadTarget;
import dev.turnout.payload.PayloadTargets;
import java.io.PrintWriter;
import dev.turnout.gpt.DiskLock;
import dev.turnout.gpt.Sysfs;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(mixinStandardHelpOptions = true, name = "apply", description = "Write a payload into an existing partition file or device"
    + " (which may be larger than the image) with full verification. Exit 0 only when every check"
    + " passed.")
final class ApplyCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--public-key", required = true, description = "trusted PEM public key; repeat"
      + " for key rotation")
  List<Path> publicKeys;

  @Option(names = "--target", required = true, description = "the partition file or device")
  Path target;

  @Option(names = "--kernel-out", description = "where the kernel goes (else checked, discarded)")
  Path kernelOut;

  @Option(names = "--sha256", description = "expected payload SHA-256, base64 (Omaha's sha256)")
  String sha256;

  @Option(names = "--size", description = "expected payload size in bytes (Omaha's size)")
  Long size;

  @Option(names = "--threads", description = "decompression threads (default: one per core)")
  int threads;

  @Option(names = "--force", description = "write even a target that holds a partition table"
      + " (a whole disk, not a partition), destroying it")
  boolean force;

  @Parameters(index = "0")
  Path payload;

  @Override
  public Integer call() throws Exception {
    List<Keys.TrustedKey> keys = Keys.readPublic(publicKeys);
    PrintWriter out = spec.commandLine().getOut();
    if (!force) {
      String table = PartitionTableProbe.describe(target);
      if (table != null) {
        throw new java.io.IOException(target + " holds " + table + ": it is a whole disk, not a"
            + " partition, and writing the payload would destroy the table and every partition on"
            + " it. Give the partition (such as /dev/sda4), or add --force");
      }
    }
    try (DiskLock lock = DiskLock.acquire(diskOf(target), DiskLock.Kind.TARGET,
            Duration.ofSeconds(10));
        PayloadTarget part = PayloadTargets.open(target);
        PayloadTarget kernel = kernelOut == null ? null
            : PayloadTargets.growingFile(kernelOut, PayloadLimits.DEFAULT.maxKernelSize())) {
      PayloadConsumerBuilder b = PayloadConsumer.builder().partition(part).kernel(kernel)
          .trustedKeys(keys).threads(threads);
      if (sha256 != null) {
        b.expectedSha256(sha256);
      }
      if (size != null) {
        b.expectedSize(size);
      }
      try (PayloadConsumer c = b.build()) {
        PayloadResult r = PayloadVerifier.stream(payload, c);
        out.printf("payload:   %s, %d bytes, sha256 %s%n", payload, r.size(), r.sha256Base64());
        out.printf("signature: version 2 verified by %s%n", r.verifiedBy());
        out.printf("partition: %d bytes written to %s and verified%n", r.newPartitionSize(), target);
        if (c.hasProcedures()) {
          out.printf(kernelOut != null ? "kernel:    written to %s and verified%n"
              : "kernel:    operation hashes checked, not kept (no --kernel-out)%n", kernelOut);
        }
      }
    }
    return 0;
  }

  /** The disk a partition device belongs to (its writers share one lock), or the file itself. */
  private static Path diskOf(Path target) throws java.io.IOException {
    if (!target.toString().startsWith("/dev/")) {
      return target;
    }
    return Sysfs.system().partition(target).map(p -> Path.of("/dev", p.disk())).orElse(target);
  }
}
