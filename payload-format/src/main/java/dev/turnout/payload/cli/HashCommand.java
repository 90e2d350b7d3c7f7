package dev.turnout.payload.cli;

import dev.turnout.payload.PayloadSigner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(mixinStandardHelpOptions = true, name = "hash", description = "Write the 32-byte hash an offline or HSM signer must sign,"
    + " for signatures of the given sizes (256 per 2048-bit key; two keys: 256:256).")
final class HashCommand implements Callable<Integer> {
  @Option(names = "--signature-size", required = true, description = "SIZE[:SIZE...] in bytes")
  String sizes;

  @Option(names = "--out", required = true, description = "file for the raw hash")
  Path out;

  @Parameters(index = "0", description = "the unsigned (or to be re-signed) payload")
  Path payload;

  @Override
  public Integer call() throws Exception {
    List<Integer> list = Arrays.stream(sizes.split(":")).map(Integer::valueOf).toList();
    if (list.stream().anyMatch(n -> n <= 0 || n > 4096)) {
      throw new IllegalArgumentException("signature sizes must be 1..4096 bytes: " + sizes);
    }
    Files.write(out, PayloadSigner.hashToSign(payload, list));
    return 0;
  }
}
