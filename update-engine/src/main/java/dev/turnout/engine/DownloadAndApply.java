package dev.turnout.engine;

import dev.turnout.payload.Checkpoint;
import dev.turnout.payload.Keys;
import dev.turnout.payload.PayloadConsumer;
import dev.turnout.payload.PayloadConsumerBuilder;
import dev.turnout.payload.PayloadException;
import dev.turnout.payload.PayloadLimits;
import dev.turnout.payload.PayloadTarget;
import dev.turnout.payload.PayloadTargets;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams the payload from the server straight into the target partition (and the kernel into its
 * staging file), verifying as it goes. A transfer cut short is resumed with {@code Range} from the
 * byte it stopped at; a checkpoint is saved to prefs every few seconds, so a crash or restart
 * resumes from the last durable operation: the metadata is fetched again
 * ({@code Range: bytes=0-...}), then the rest from the checkpoint. A server that ignores
 * {@code Range} is handled by skipping what was already consumed.
 */
public final class DownloadAndApply implements Stage {
  private static final Logger LOG = LoggerFactory.getLogger(DownloadAndApply.class);

  /**
   * Retry and checkpoint timing; update_engine retries a cut transfer 20 times, 20 s apart. The
   * retries are counted over the whole attempt, progress or not: a server that sends a little and
   * stalls, again and again, cannot keep one attempt going for ever.
   */
  public record Tuning(int maxRetries, Duration retryDelay, Duration checkpointEvery, int threads) {
    public static Tuning defaults() {
      return new Tuning(20, Duration.ofSeconds(20), Duration.ofSeconds(2), 0);
    }
  }

  private final PayloadSource source;
  private final Disks disks;
  private final List<Keys.TrustedKey> keys;
  private final AttemptRecord record;
  private final Tuning tuning;
  private final Clock clock;
  private final Sleeper sleeper;

  public DownloadAndApply(PayloadSource source, Disks disks, List<Keys.TrustedKey> keys,
      AttemptRecord record, Tuning tuning, Clock clock, Sleeper sleeper) {
    this.source = source;
    this.disks = disks;
    this.keys = List.copyOf(keys);
    this.record = record;
    this.tuning = tuning;
    this.clock = clock;
    this.sleeper = sleeper;
  }

  @Override
  public String describe(InstallPlan plan) {
    return "downloading " + plan.response().version() + " into "
        + plan.slot().target().label();
  }

  @Override
  public InstallPlan run(InstallPlan plan, StageSink sink) throws UpdateException {
    sink.event(OmahaEvent.downloadStarted());
    String url = plan.payloadUrl();
    String hash = plan.response().sha256();
    // A checkpoint counts on the kernel staged so far; without the file it cannot resume.
    Checkpoint cp = plan.resumeFrom();
    if (cp != null && !Files.exists(plan.kernelStaging())) {
      LOG.warn("the staged kernel {} is gone; downloading from the start", plan.kernelStaging());
      cp = null;
    }
    try (PayloadTarget partition = disks.partition(plan.slot().disk(), plan.slot().target(), true);
        PayloadTarget kernel = PayloadTargets.growingFile(plan.kernelStaging(),
            PayloadLimits.DEFAULT.maxKernelSize())) {
      PayloadConsumerBuilder b = PayloadConsumer.builder().partition(partition).kernel(kernel)
          .trustedKeys(keys).expectedSize(plan.response().size()).expectedSha256(hash)
          .threads(tuning.threads());
      // The staging file's name must be on disk before any checkpoint that counts on it is.
      Durable.forceDirectory(plan.kernelStaging().getParent());
      record.downloadStarted(plan.response(), cp != null);
      if (cp != null) {
        b.resumeFrom(cp);
        LOG.info("resuming the download of {} at operation {}, byte {}", Redacted.url(url),
            cp.nextOperation(), cp.resumeOffset());
      }
      try (PayloadConsumer consumer = b.build()) {
        Feed feed = new Feed(consumer, plan.response(), sink);
        if (cp != null) {
          feed.savedOperation = cp.nextOperation();
          fetch(url, 0, cp.metadataSize(), feed);
          if (cp.resumeOffset() < plan.response().size()) {
            feed.position = cp.resumeOffset();
            fetch(url, cp.resumeOffset(), -1, feed);
          }
        } else {
          fetch(url, 0, -1, feed);
        }
        sink.event(OmahaEvent.downloadFinished());
        InstallPlan done = plan.withResult(consumer.finish());
        // All applied and signed: a cut before postinstall resumes without downloading again.
        feed.saveCheckpoint();
        record.downloaded(plan.response());
        return done;
      }
    } catch (PayloadException e) {
      throw UpdateException.of(e);
    } catch (IOException e) {
      throw new UpdateException(ErrorCode.DOWNLOAD_WRITE_ERROR, e.getMessage(), e);
    }
  }

  /** The consumer with its position in the payload file and checkpoint timing. */
  private final class Feed {
    final PayloadConsumer consumer;
    final OmahaResponse response;
    final StageSink sink;
    final long announced;
    long position;
    long lastCheckpoint;
    long savedOperation;
    boolean urlWorks;
    int retries;

    Feed(PayloadConsumer consumer, OmahaResponse response, StageSink sink) {
      this.consumer = consumer;
      this.response = response;
      this.announced = response.size();
      this.sink = sink;
      this.lastCheckpoint = clock.millis();
    }

    void write(byte[] buf, int n) throws IOException {
      consumer.write(java.nio.ByteBuffer.wrap(buf, 0, n));
      position += n;
      if (!urlWorks) {
        // The first bytes of an attempt: the URL works, its failure count starts over. Once per
        // attempt, not per chunk: this is the payload's hot path.
        urlWorks = true;
        record.transferWorks();
      }
      sink.downloaded(consumer.position(), consumer.totalSize());
      if (clock.millis() - lastCheckpoint >= tuning.checkpointEvery().toMillis()) {
        saveCheckpoint();
      }
    }

    void saveCheckpoint() throws IOException {
      Checkpoint cp = consumer.checkpoint();
      // Only a checkpoint further on than the saved one is worth nine forced pref writes.
      if (cp != null && cp.nextOperation() > savedOperation) {
        record.checkpoint(response, cp);
        savedOperation = cp.nextOperation();
      }
      lastCheckpoint = clock.millis();
    }
  }

  /** GETs bytes {@code [from, end)} ({@code end} -1: to the end), retrying cut transfers. */
  private void fetch(String url, long from, long end, Feed feed) throws IOException,
      UpdateException {
    IOException last = null;
    while (true) {
      long at = feed.position;
      long stop = end >= 0 ? end : feed.consumer.totalSize();
      if (stop >= 0 && at >= stop) {
        return; // everything arrived, even if the connection then failed (a lying Content-Length)
      }
      if (end < 0 && at >= feed.announced && last != null) {
        // Everything the server announced arrived, yet the payload wants more: it is not the
        // payload Omaha described, and no retry will change that.
        throw new UpdateException(ErrorCode.PAYLOAD_SIZE_MISMATCH_ERROR, "the payload continues"
            + " past the " + feed.announced + " bytes the update server announced", null);
      }
      try {
        if (transfer(url, at, end, feed)) {
          return;
        }
        last = new IOException("the transfer ended at byte " + feed.position);
      } catch (RedirectRefusedException e) {
        throw new UpdateException(ErrorCode.DOWNLOAD_TRANSFER_ERROR, e.getMessage(), e);
      } catch (PayloadException e) {
        throw e;
      } catch (IOException e) {
        last = e;
      }
      // What arrived is applied and forced before the wait: a retry, a later attempt or a
      // restart resumes from as far as the bytes got.
      feed.consumer.drain();
      feed.saveCheckpoint();
      if (++feed.retries > tuning.maxRetries()) {
        throw new UpdateException(ErrorCode.DOWNLOAD_TRANSFER_ERROR, "downloading "
            + Redacted.url(url) + " failed at byte " + feed.position + ": " + last.getMessage(),
            last);
      }
      LOG.warn("download of {} interrupted at byte {} ({}); retrying in {} s (try {} of {})",
          Redacted.url(url), feed.position, last.getMessage(), tuning.retryDelay().toSeconds(),
          feed.retries, tuning.maxRetries());
      try {
        sleeper.sleep(tuning.retryDelay());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new UpdateException(ErrorCode.DOWNLOAD_TRANSFER_ERROR, "interrupted", e);
      }
    }
  }

  /** One GET; true when {@code [from, end)} or the whole rest of the payload was consumed. */
  private boolean transfer(String url, long from, long end, Feed feed) throws IOException {
    try (PayloadSource.Body body = source.open(url, from, end)) {
      InputStream in = body.stream();
      if (!body.startsAtFrom() && from > 0) {
        in.skipNBytes(from);
        LOG.info("{} ignored Range; skipped the {} bytes already consumed", Redacted.url(url),
            from);
      }
      byte[] buf = new byte[64 * 1024];
      while (end < 0 || feed.position < end) {
        int want = end < 0 ? buf.length : (int) Math.min(buf.length, end - feed.position);
        int n = in.read(buf, 0, want);
        if (n < 0) {
          break;
        }
        feed.write(buf, n);
      }
    }
    long total = feed.consumer.totalSize();
    return end >= 0 ? feed.position >= end : total >= 0 && feed.position >= total;
  }
}
