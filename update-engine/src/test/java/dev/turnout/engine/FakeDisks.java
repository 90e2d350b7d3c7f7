package dev.turnout.engine;

import dev.turnout.gpt.GptDisk;
import dev.turnout.gpt.GptEntry;
import dev.turnout.gpt.MemoryBlockDevice;
import dev.turnout.gpt.PartitionSpec;
import dev.turnout.gpt.PartitionTypes;
import dev.turnout.payload.PayloadTarget;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.UUID;

/**
 * One boot disk in memory with Flatcar's USR-A (3) and USR-B (4), booted from USR-A: successful,
 * priority 1; USR-B empty. Stricter than a file: a partition opened read-only refuses writes, and
 * writes outside the partition fail. Counts what was opened for writing.
 */
public final class FakeDisks implements Disks {
  public static final Path DISK = Path.of("/dev/fake");
  public static final UUID USR_A = UUID.fromString("7130c94a-213a-4e5a-8e26-6cce9662f132");
  public static final UUID USR_B = UUID.fromString("e03dd35c-7c2d-4a47-b3fe-27f15780a57c");
  /** 3 MiB partitions; the disk is 8 MiB. */
  public static final long PART_SECTORS = 6144;

  public final MemoryBlockDevice device = new MemoryBlockDevice(new byte[8 << 20]);
  public int writableOpens;
  /** A byte of the disk that does not keep what is written to it (flipped after each write). */
  public volatile long losesByteAt = -1;

  public FakeDisks() throws IOException {
    try (GptDisk d = new GptDisk(device)) {
      d.create(UUID.fromString("00000000-0000-0000-0000-000000000001"));
      d.add(new PartitionSpec(3, 2048L, PART_SECTORS, PartitionTypes.FLATCAR_USR, USR_A, "USR-A",
          null, true, 0, 1, null));
      d.add(new PartitionSpec(4, 2048L + PART_SECTORS, PART_SECTORS, PartitionTypes.FLATCAR_USR,
          USR_B, "USR-B", null, false, 0, 0, null));
    }
  }

  /** The slots of this disk, booted from {@code booted} (3 or 4). */
  public BootSlot slot(int booted) throws IOException {
    return new BootSlot(DISK, entry(booted), entry(booted == 3 ? 4 : 3));
  }

  public GptEntry entry(int number) throws IOException {
    try (GptDisk d = new GptDisk(device)) {
      return d.entry(number);
    }
  }

  /** The bytes of partition {@code number} now. */
  public byte[] contents(int number) throws IOException {
    GptEntry e = entry(number);
    return Arrays.copyOfRange(device.data, (int) e.byteOffset(),
        (int) (e.byteOffset() + e.byteLength()));
  }

  @Override
  public GptDisk gpt(Path disk, boolean writable) throws IOException {
    check(disk, writable);
    return new GptDisk(device);
  }

  @Override
  public PayloadTarget partition(Path disk, GptEntry part, boolean writable) throws IOException {
    check(disk, writable);
    long base = part.byteOffset();
    long size = part.byteLength();
    byte[] data = device.data;
    return new PayloadTarget() {
      @Override
      public long size() {
        return size;
      }

      @Override
      public synchronized void write(long offset, ByteBuffer src) throws IOException {
        if (!writable) {
          throw new IOException("opened read-only");
        }
        if (offset < 0 || src.remaining() > size - offset) {
          throw new IOException("write outside the partition at " + offset);
        }
        int n = src.remaining();
        src.get(data, (int) (base + offset), n);
        long lost = losesByteAt;
        if (base + offset <= lost && lost < base + offset + n) {
          data[(int) lost] ^= 1;
        }
      }

      @Override
      public synchronized void read(long offset, ByteBuffer dst) throws IOException {
        if (offset < 0 || dst.remaining() > size - offset) {
          throw new IOException("read outside the partition at " + offset);
        }
        dst.put(data, (int) (base + offset), dst.remaining());
      }

      @Override
      public void force() {}

      @Override
      public void close() {}
    };
  }

  private synchronized void check(Path disk, boolean writable) throws IOException {
    if (!DISK.equals(disk)) {
      throw new java.nio.file.NoSuchFileException(disk.toString());
    }
    if (writable) {
      writableOpens++;
    }
  }
}
