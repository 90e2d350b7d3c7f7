package dev.turnout.gpt;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A disk in memory for tests, which can be told to "lose power" after a number of sectors written:
 * the write that crosses the budget lands up to the sector boundary and then throws, and every later
 * write throws. Stricter than a file: writes past the end fail instead of growing the disk.
 */
public final class MemoryBlockDevice implements BlockDevice {
  public final byte[] data;
  private long sectorBudget = Long.MAX_VALUE;
  long sectorsWritten;
  int forces;

  public MemoryBlockDevice(byte[] data) {
    this.data = data;
  }

  /** Stop after {@code sectors} more sectors have been written. */
  MemoryBlockDevice crashAfter(long sectors) {
    sectorBudget = sectors;
    return this;
  }

  @Override
  public long size() {
    return data.length;
  }

  @Override
  public void read(long offset, ByteBuffer dst) throws IOException {
    if (offset + dst.remaining() > data.length) {
      throw new EOFException("read past the end at " + offset);
    }
    dst.put(data, (int) offset, dst.remaining());
  }

  @Override
  public void write(long offset, ByteBuffer src) throws IOException {
    if (offset % GptLayout.SECTOR != 0 || src.remaining() % GptLayout.SECTOR != 0) {
      throw new IOException("unaligned write at " + offset);
    }
    if (offset + src.remaining() > data.length) {
      throw new IOException("write past the end at " + offset);
    }
    long pos = offset;
    while (src.hasRemaining()) {
      if (sectorsWritten >= sectorBudget) {
        throw new IOException("simulated power cut after " + sectorsWritten + " sectors");
      }
      src.get(data, (int) pos, GptLayout.SECTOR);
      pos += GptLayout.SECTOR;
      sectorsWritten++;
    }
  }

  @Override
  public void force() {
    forces++;
  }

  @Override
  public String name() {
    return "memory-disk";
  }

  @Override
  public void close() {}
}
