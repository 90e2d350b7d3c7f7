package dev.turnout.payload;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * A disk with a write cache: writes land in the cache, {@link #force} makes them durable, and
 * {@link #durable()} is what survives a power cut at this instant.
 */
final class VolatileTarget implements PayloadTarget {
  private record Pending(long offset, byte[] data) {}

  private final byte[] disk;
  private final List<Pending> pending = new ArrayList<>();

  VolatileTarget(byte[] initial) {
    this.disk = initial.clone();
  }

  @Override
  public long size() {
    return disk.length;
  }

  @Override
  public synchronized void write(long offset, ByteBuffer src) throws IOException {
    if (offset < 0 || offset + src.remaining() > disk.length) {
      throw new IOException("write outside the target");
    }
    byte[] data = new byte[src.remaining()];
    src.get(data);
    pending.add(new Pending(offset, data));
  }

  @Override
  public synchronized void read(long offset, ByteBuffer dst) {
    byte[] view = cached();
    dst.put(view, (int) offset, dst.remaining());
  }

  @Override
  public synchronized void force() {
    for (Pending p : pending) {
      System.arraycopy(p.data(), 0, disk, (int) p.offset(), p.data().length);
    }
    pending.clear();
  }

  /** What a reader sees now: durable bytes plus the cache. */
  synchronized byte[] cached() {
    byte[] view = disk.clone();
    for (Pending p : pending) {
      System.arraycopy(p.data(), 0, view, (int) p.offset(), p.data().length);
    }
    return view;
  }

  /** What is left after a power cut now. */
  synchronized byte[] durable() {
    return disk.clone();
  }

  @Override
  public void close() {}
}
