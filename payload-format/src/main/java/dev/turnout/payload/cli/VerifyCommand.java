package dev.turnout.payload.cli;

import dev.turnout.payload.Keys;

import dev.turnout.payload.PayloadResult;
import dev.turnout.payload.PayloadVerifier;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(mixinStandardHelpOptions = true, name = "verify", description = "Check a payload in full without writing anything: structure,"
    + " every operation hash, size, the version-2 signature under one of the keys, and the hashes of"
    + " the image and kernel it would produce.")
final class VerifyCommand implements Callable<Integer> {
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--public-key", required = true, description = "trusted PEM public key; repeat"
      + " for key rotation")
  List<Path> publicKeys;

  @Parameters(index = "0")
  Path payload;

  @Override
  public Integer call() throws Exception {
    PayloadResult r = verifyAll(payload, Keys.readPublic(publicKeys));
    spec.commandLine().getOut().printf("%s: OK (%d bytes, sha256 %s, signed by %s)%n", payload,
        r.size(), r.sha256Base64(), r.verifiedBy());
    return 0;
  }

  static PayloadResult verifyAll(Path payload, List<Keys.TrustedKey> keys) throws IOException {
    return PayloadVerifier.verify(payload, keys);
  }
}
