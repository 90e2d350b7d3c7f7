package dev.turnout.payload;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.List;

/**
 * Reads the new partition back while the apply goes on, so the check after the last operation
 * waits only for what the last operations wrote. One thread hashes {@code [0, size)} in order, as
 * far as the operations finished so far make final: the bytes below the lowest block any
 * unfinished partition operation writes. Operations never overlap ({@link PayloadPlan}), so
 * nothing is written below that line again. With operations in ascending block order (every full
 * payload Flatcar's and Turnout's generators make) the reading follows the writing; in any other
 * order it simply waits longer, at worst until the last operation, as a read-back after the apply.
 *
 * <p>It reads the target, not the data handed to it, just as a read-back after the apply does:
 * what is compared with the manifest's hash is what the partition holds.
 */
final class ReadBack implements AutoCloseable {
  private static final int CHUNK = 256 << 10;

  private final PayloadTarget target;
  private final long size;
  /** {@code finalBelow[i]}: bytes below it are final once steps {@code [0, i)} have finished. */
  private final long[] finalBelow;
  private final MessageDigest md = CrauFormat.sha256();
  private final Thread thread;

  private int finishedPrefix;
  private long hashed;
  private IOException failure;
  private boolean closed;

  private ReadBack(PayloadTarget target, long size, long[] finalBelow, int finishedPrefix) {
    this.target = target;
    this.size = size;
    this.finalBelow = finalBelow;
    this.finishedPrefix = finishedPrefix;
    this.thread = new Thread(this::run, "payload-readback");
    thread.setDaemon(true);
  }

  /**
   * Starts reading {@code target}'s first {@code size} bytes back as the partition operations of
   * {@code steps} finish; the first {@code finishedPrefix} steps are already written.
   */
  static ReadBack start(List<Step> steps, int blockSize, PayloadTarget target, long size,
      int finishedPrefix) {
    long[] below = new long[steps.size() + 1];
    below[steps.size()] = Long.MAX_VALUE;
    for (int i = steps.size() - 1; i >= 0; i--) {
      below[i] = below[i + 1];
      Step s = steps.get(i);
      if (s.sink() == Step.Sink.PARTITION) {
        for (var x : s.op().getDstExtentsList()) {
          if (x.getStartBlock() != PayloadLimits.SPARSE_HOLE && x.getNumBlocks() > 0) {
            below[i] = Math.min(below[i], x.getStartBlock() * blockSize);
          }
        }
      }
    }
    ReadBack r = new ReadBack(target, size, below, finishedPrefix);
    r.thread.start();
    return r;
  }

  /** The first {@code prefix} steps have all finished (called from the apply's threads). */
  synchronized void finished(int prefix) {
    if (prefix > finishedPrefix) {
      finishedPrefix = prefix;
      notifyAll();
    }
  }

  private synchronized long readable() {
    return Math.min(size, finalBelow[finishedPrefix]);
  }

  private void run() {
    ByteBuffer buf = ByteBuffer.allocate(CHUNK);
    try {
      while (true) {
        long from;
        long to;
        synchronized (this) {
          while (!closed && hashed >= readable() && hashed < size) {
            wait();
          }
          if (closed || hashed >= size) {
            return;
          }
          from = hashed;
          to = Math.min(readable(), from + CHUNK);
        }
        buf.clear().limit((int) (to - from));
        target.read(from, buf);
        buf.flip();
        md.update(buf);
        synchronized (this) {
          hashed = to;
          notifyAll();
        }
      }
    } catch (IOException e) {
      synchronized (this) {
        failure = e;
        notifyAll();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      synchronized (this) {
        failure = new IOException(e.toString(), e);
        notifyAll();
      }
    }
  }

  /**
   * Once every step has finished: waits for the last bytes and returns the SHA-256 of the first
   * {@code size} bytes of the target.
   */
  byte[] finish() throws IOException, InterruptedException {
    synchronized (this) {
      finished(finalBelow.length - 1);
      while (failure == null && hashed < size) {
        wait();
      }
      if (failure != null) {
        throw failure;
      }
    }
    thread.join();
    return md.digest();
  }

  /** Stops the reading thread (an apply that failed or was abandoned). */
  @Override
  public void close() {
    synchronized (this) {
      closed = true;
      notifyAll();
    }
  }
}
