package dev.turnout.payload;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Test driver: applies a payload into a partition that sits between two guard regions of a disk
 * image file, feeding it in a chosen chunking, and checks afterwards that the guards are untouched.
 */
final class Applier implements AutoCloseable {
  static final int GUARD = 64 * 1024;
  static final byte GUARD_BYTE = (byte) 0xA5;

  /** How the stream is cut into writes. */
  enum Feed {
    WHOLE, FOUR_KIB, RANDOM_SPLITS, ONE_BYTE;

    void feed(byte[] data, int from, int to, PayloadConsumer c, long seed) throws PayloadException {
      Random r = new Random(seed);
      int at = from;
      while (at < to) {
        int n = switch (this) {
          case WHOLE -> to - at;
          case FOUR_KIB -> Math.min(4096, to - at);
          case RANDOM_SPLITS -> Math.min(1 + r.nextInt(r.nextBoolean() ? 7 : 70_000), to - at);
          case ONE_BYTE -> 1;
        };
        c.write(ByteBuffer.wrap(data, at, n).slice());
        at += n;
      }
    }
  }

  final Path disk;
  final long partitionSize;
  final FileChannel channel;
  final PayloadTarget partition;
  final Path kernelPath;
  final PayloadTarget kernel;

  Applier(Path dir, long partitionSize) throws IOException {
    this.disk = dir.resolve("disk.img");
    this.partitionSize = partitionSize;
    byte[] guard = new byte[GUARD];
    Arrays.fill(guard, GUARD_BYTE);
    try (RandomAccessFile f = new RandomAccessFile(disk.toFile(), "rw")) {
      f.setLength(GUARD + partitionSize + GUARD);
      f.seek(0);
      f.write(guard);
      f.seek(GUARD + partitionSize);
      f.write(guard);
    }
    this.channel = FileChannel.open(disk, StandardOpenOption.READ, StandardOpenOption.WRITE);
    this.partition = PayloadTargets.range(channel, GUARD, partitionSize);
    this.kernelPath = dir.resolve("vmlinuz-b");
    this.kernel = PayloadTargets.growingFile(kernelPath, PayloadLimits.DEFAULT.maxKernelSize());
  }

  PayloadConsumerBuilder consumer(List<Keys.TrustedKey> keys) {
    return PayloadConsumer.builder().partition(partition).kernel(kernel).trustedKeys(keys)
        .threads(2);
  }

  /** Applies the whole payload with {@code feed}; returns the verdict or throws. */
  PayloadResult apply(byte[] payload, Feed feed, List<Keys.TrustedKey> keys)
      throws PayloadException {
    try (PayloadConsumer c = consumer(keys).build()) {
      feed.feed(payload, 0, payload.length, c, 42);
      return c.finish();
    }
  }

  byte[] partitionBytes() throws IOException {
    byte[] all = Files.readAllBytes(disk);
    return Arrays.copyOfRange(all, GUARD, GUARD + (int) partitionSize);
  }

  /** True when both guard regions still hold only their pattern. */
  boolean guardsIntact() throws IOException {
    byte[] all = Files.readAllBytes(disk);
    for (int i = 0; i < GUARD; i++) {
      if (all[i] != GUARD_BYTE || all[all.length - 1 - i] != GUARD_BYTE) {
        return false;
      }
    }
    return true;
  }

  @Override
  public void close() throws IOException {
    kernel.close();
    partition.close();
  }
}
