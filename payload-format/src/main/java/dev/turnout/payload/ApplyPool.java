package dev.turnout.payload;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The threads that decompress and write operations. At most twice as many operations are in
 * flight as there are threads, so memory stays bounded whatever the payload's size; the first
 * failure is kept and rethrown to the feeding thread at its next call.
 */
final class ApplyPool implements AutoCloseable {
  /** One operation's work. */
  interface Work {
    void run() throws PayloadException;
  }

  private final ExecutorService pool;
  private final Semaphore inFlight;
  private final int maxInFlight;
  private volatile PayloadException failure;

  /** @param threads worker threads; 0 for one per core */
  ApplyPool(int threads) {
    int n = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
    this.maxInFlight = 2 * n;
    this.inFlight = new Semaphore(maxInFlight);
    this.pool = Executors.newFixedThreadPool(n, r -> {
      Thread t = new Thread(r, "payload-apply");
      t.setDaemon(true);
      return t;
    });
  }

  /** Runs {@code work} once a slot is free (blocking the feeder until then). */
  void submit(String label, Work work) throws PayloadException {
    try {
      inFlight.acquire();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PayloadException(ErrorCode.DOWNLOAD_TRANSFER_ERROR, "interrupted", e);
    }
    if (failure != null) {
      inFlight.release();
      rethrow();
    }
    pool.execute(() -> {
      try {
        if (failure == null) {
          work.run();
        }
      } catch (PayloadException e) {
        fail(e);
      } catch (RuntimeException e) {
        fail(new PayloadException(ErrorCode.DOWNLOAD_OPERATION_EXECUTION_ERROR,
            label + ": " + e, e));
      } finally {
        inFlight.release();
      }
    });
  }

  private synchronized void fail(PayloadException e) {
    if (failure == null) {
      failure = e;
    }
  }

  /** Throws the first failure of any operation, if there was one. */
  void rethrow() throws PayloadException {
    PayloadException f = failure;
    if (f != null) {
      throw f;
    }
  }

  /** Waits until every submitted operation has ended, then {@link #rethrow}s. */
  void drain() throws PayloadException {
    try {
      inFlight.acquire(maxInFlight);
      inFlight.release(maxInFlight);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PayloadException(ErrorCode.DOWNLOAD_TRANSFER_ERROR, "interrupted", e);
    }
    rethrow();
  }

  @Override
  public void close() {
    pool.shutdownNow();
    try {
      pool.awaitTermination(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
