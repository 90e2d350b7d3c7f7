package dev.turnout.payload.cli;

import dev.turnout.payload.Keys;
import dev.turnout.payload.PayloadGenerator;
import dev.turnout.payload.PayloadSigner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(mixinStandardHelpOptions = true, name = "generate", description = "Make a full payload as Flatcar does: 4096-byte blocks,"
    + " 1 MiB chunks, REPLACE_BZ or REPLACE, per-operation hashes, a KERNEL procedure; signed with"
    + " each --key (the last one signs as version 2).")
final class GenerateCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--image", required = true, description = "the USR file system image, or a"
      + " system extension's .raw image (without --kernel: an OEM or Flatcar extension payload)")
  Path image;

  @Option(names = "--kernel", description = "the kernel for the KERNEL procedure")
  Path kernel;

  @Option(names = "--key", description = "PEM private key to sign with; repeat for several")
  List<Path> keys = new ArrayList<>();

  @Option(names = "--out", required = true, description = "the payload to write")
  Path out;

  @Option(names = "--threads", description = "compression threads (default: one per core)")
  int threads;

  @Override
  public Integer call() throws Exception {
    List<PrivateKey> privateKeys = new ArrayList<>();
    for (Path k : keys) {
      privateKeys.add(Keys.readPrivate(k));
    }
    if (privateKeys.isEmpty()) {
      new PayloadGenerator(threads).generate(image, kernel, out);
    } else {
      Path unsigned = Files.createTempFile(out.toAbsolutePath().getParent(), ".unsigned-", ".tmp");
      try {
        new PayloadGenerator(threads).generate(image, kernel, unsigned);
        PayloadSigner.sign(unsigned, privateKeys, out);
      } finally {
        Files.deleteIfExists(unsigned);
      }
    }
    spec.commandLine().getOut().printf("%s: %d bytes, %s%n", out, Files.size(out),
        privateKeys.isEmpty() ? "unsigned" : "signed with " + privateKeys.size() + " key(s)");
    return 0;
  }
}
