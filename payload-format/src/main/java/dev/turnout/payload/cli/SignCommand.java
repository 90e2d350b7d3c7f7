package dev.turnout.payload.cli;

import dev.turnout.payload.Keys;
import dev.turnout.payload.PayloadSigner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(mixinStandardHelpOptions = true, name = "sign", description = "Insert signatures made over the output of payload hash, in"
    + " key order (the last one is version 2).")
final class SignCommand implements Callable<Integer> {
  @Option(names = "--signatures", required = true, description = "SIG[:SIG...] files, raw bytes")
  String signatures;

  @Option(names = "--out", required = true, description = "the signed payload to write")
  Path out;

  @Option(names = "--public-key", description = "verify the signed payload under this key"
      + " (repeatable) before writing it")
  List<Path> publicKeys = new ArrayList<>();

  @Parameters(index = "0", description = "the payload hash was computed for")
  Path payload;

  @Override
  public Integer call() throws Exception {
    List<byte[]> sigs = new ArrayList<>();
    for (String f : signatures.split(":")) {
      byte[] sig = Files.readAllBytes(Path.of(f));
      // An RSA PKCS#1 signature is exactly as long as the key's modulus; payload hash was given
      // those lengths (--signature-size), so anything else cannot be a signature over its output.
      if (sig.length < 128 || sig.length > 1024 || sig.length % 64 != 0) {
        throw new IllegalArgumentException("signature " + f + " is " + sig.length + " bytes; an"
            + " RSA signature is as long as its key (256 bytes for RSA-2048, 512 for RSA-4096),"
            + " the --signature-size given to payload hash");
      }
      sigs.add(sig);
    }
    if (publicKeys.isEmpty()) {
      PayloadSigner.insert(payload, sigs, out);
      return 0;
    }
    Path tmp = Files.createTempFile(out.toAbsolutePath().getParent(), ".signed-", ".check");
    try {
      PayloadSigner.insert(payload, sigs, tmp);
      VerifyCommand.verifyAll(tmp, Keys.readPublic(publicKeys));
      Files.move(tmp, out, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
          java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
    return 0;
  }
}
