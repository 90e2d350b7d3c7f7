package dev.turnout.payload.cli;

import dev.turnout.payload.PayloadSigner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "sign", description = "Insert signatures made over the output of payload hash, in"
    + " key order (the last one is version 2).")
final class SignCommand implements Callable<Integer> {
  @Option(names = "--signatures", required = true, description = "SIG[:SIG...] files, raw bytes")
  String signatures;

  @Option(names = "--out", required = true, description = "the signed payload to write")
  Path out;

  @Parameters(index = "0", description = "the payload hash was computed for")
  Path payload;

  @Override
  public Integer call() throws Exception {
    List<byte[]> sigs = new ArrayList<>();
    for (String f : signatures.split(":")) {
      sigs.add(Files.readAllBytes(Path.of(f)));
    }
    PayloadSigner.insert(payload, sigs, out);
    return 0;
  }
}
