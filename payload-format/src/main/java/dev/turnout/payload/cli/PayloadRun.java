package dev.turnout.payload.cli;

import dev.turnout.payload.PayloadConsumer;
import dev.turnout.payload.PayloadResult;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

/** Streams a payload file through a consumer in 1 MiB reads, as a download would arrive. */
final class PayloadRun {
  private PayloadRun() {}

  static PayloadResult stream(Path payload, PayloadConsumer consumer) throws IOException {
    byte[] buf = new byte[1 << 20];
    try (InputStream in = Files.newInputStream(payload)) {
      int n;
      while ((n = in.read(buf)) > 0) {
        consumer.write(ByteBuffer.wrap(buf, 0, n));
      }
    }
    return consumer.finish();
  }
}
