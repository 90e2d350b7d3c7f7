package dev.turnout.engine;

import dev.turnout.payload.Keys;
import dev.turnout.payload.PartitionVerifier;
import dev.turnout.payload.PayloadConsumer;
import dev.turnout.payload.PayloadException;
import dev.turnout.payload.PayloadResult;
import dev.turnout.payload.PayloadTarget;
import dev.turnout.payload.PayloadTargets;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings one extension of the new version into place: its payload is downloaded to a staging
 * file (resumed with {@code Range} across retries and attempts, the URLs taken in turn), checked
 * against the announced size, then applied by the payload consumer into a staging image: the
 * announced SHA-256 (else SHA-1) of the download, the version-2 signature under the trusted keys,
 * every operation's hash and {@code new_partition_info} are checked, the image cut to its size and forced, and only then
 * renamed to its final name.
 */
final class ExtensionFetcher {
  private static final Logger LOG = LoggerFactory.getLogger(ExtensionFetcher.class);
  /** No extension image is larger (the NVIDIA ones are about 1 GiB). */
  static final long MAX_IMAGE = 16L << 30;
  /** Nor any extension payload. */
  static final long MAX_PAYLOAD = MAX_IMAGE;

  /** Retries of a cut transfer, the wait between them, and apply threads (0: one per core). */
  public record Tuning(int maxRetries, Duration retryDelay, int threads) {}

  private final PayloadSource source;
  private final List<Keys.TrustedKey> keys;
  private final ExtensionStore store;
  private final Tuning tuning;
  private final Sleeper sleeper;

  public ExtensionFetcher(PayloadSource source, List<Keys.TrustedKey> keys, ExtensionStore store,
      Tuning tuning, Sleeper sleeper) {
    this.source = source;
    this.keys = List.copyOf(keys);
    this.store = store;
    this.tuning = tuning;
    this.sleeper = sleeper;
  }

  /** Fetches, checks and installs {@code e} for {@code version}; returns its final path. */
  public Path fetch(Extension e, ExtensionSource src, String version) throws UpdateException {
    Path part = store.partial(e, version);
    try {
      store.folder(store.stagingDir());
      long resumedAt = download(e, src, part);
      Path staged = store.staged(e, version);
      PayloadResult r;
      try {
        r = checkAndApply(e, src, part, staged);
      } catch (UpdateException failed) {
        if (resumedAt <= 0) {
          throw failed;
        }
        // What was kept from before may not be what the server has now: once more, afresh.
        LOG.warn("{}: the download resumed at byte {} does not check out ({}); downloading it"
            + " again from the start", e, resumedAt, failed.getMessage());
        Files.deleteIfExists(part);
        download(e, src, part);
        r = checkAndApply(e, src, part, staged);
      }
      Path installed;
      try {
        installed = store.install(e, version, staged, r.newPartitionSize(),
            r.newPartitionSha256());
      } catch (IOException x) {
        throw new UpdateException(ErrorCode.EXTENSION_WRITE_ERROR, e + ": cannot put its image in"
            + " place: " + x.getMessage(), x);
      }
      Files.deleteIfExists(part);
      return installed;
    } catch (IOException x) {
      throw new UpdateException(ErrorCode.EXTENSION_WRITE_ERROR, e + ": " + x.getMessage(), x);
    }
  }

  /**
   * Downloads to {@code part}, continuing what is there when the size is known; returns the byte
   * it resumed at (0 for a fresh download).
   */
  private long download(Extension e, ExtensionSource src, Path part) throws IOException,
      UpdateException {
    if (src.size() > MAX_PAYLOAD) {
      throw new UpdateException(ErrorCode.EXTENSION_HASH_MISMATCH, e + ": the update server"
          + " announces " + src.size() + " bytes, more than any extension payload (at most "
          + MAX_PAYLOAD + ")", null);
    }
    long have = sizeOf(part);
    if (src.size() < 0 || have > src.size()) {
      Files.deleteIfExists(part); // nothing tells a partial from a whole one: afresh
      have = 0;
    }
    long resumedAt = have;
    if (have > 0) {
      LOG.info("{}: resuming its download at byte {} of {}", e, have, src.size());
    }
    long free = Files.getFileStore(store.stagingDir()).getUsableSpace();
    if (src.size() > 0 && src.size() - have > free) {
      throw new UpdateException(ErrorCode.EXTENSION_HASH_MISMATCH, e + ": the update server"
          + " announces " + src.size() + " bytes, and " + store.stagingDir() + " has only "
          + free + " bytes free", null);
    }
    List<String> urls = new ArrayList<>(src.urls());
    int retries = 0;
    int i = 0;
    while (src.size() < 0 || have < src.size()) {
      String url = urls.get(i % urls.size());
      IOException failure;
      try {
        have = transfer(e, url, part, have, src.size());
        if (src.size() < 0 || have == src.size()) {
          break;
        }
        failure = new IOException("the transfer ended at byte " + have);
      } catch (RedirectRefusedException x) {
        throw new UpdateException(ErrorCode.EXTENSION_DOWNLOAD_ERROR, e + ": " + x.getMessage(),
            x);
      } catch (HttpStatusException x) {
        if (x.definitive()) {
          urls.remove(i % urls.size());
          if (urls.isEmpty()) {
            throw new UpdateException(ErrorCode.EXTENSION_DOWNLOAD_ERROR, e + ": "
                + x.getMessage() + " (from " + src.origin() + ")", x);
          }
          continue;
        }
        failure = x;
      } catch (LocalWriteException x) {
        // Not the network: a full disk (ENOSPC, EDQUOT) or a read-only one will not clear by
        // waiting, so no retries.
        throw new UpdateException(ErrorCode.EXTENSION_WRITE_ERROR, e + ": writing " + part
            + ": " + x.getCause().getMessage(), x.getCause());
      } catch (IOException x) {
        failure = x;
        have = sizeOf(part);
      }
      if (++retries > tuning.maxRetries()) {
        throw new UpdateException(ErrorCode.EXTENSION_DOWNLOAD_ERROR, e + ": downloading "
            + Redacted.url(url) + " failed at byte " + have + ": " + failure.getMessage(),
            failure);
      }
      LOG.warn("{}: download from {} interrupted at byte {} ({}); retrying in {} s (try {} of {})",
          e, Redacted.url(url), have, failure.getMessage(), tuning.retryDelay().toSeconds(),
          retries, tuning.maxRetries());
      i++;
      try {
        sleeper.sleep(tuning.retryDelay());
      } catch (InterruptedException x) {
        Thread.currentThread().interrupt();
        throw new UpdateException(ErrorCode.EXTENSION_DOWNLOAD_ERROR, "interrupted", x);
      }
    }
    try (FileChannel ch = FileChannel.open(part, StandardOpenOption.WRITE,
        LinkOption.NOFOLLOW_LINKS)) {
      ch.force(true);
    }
    return resumedAt;
  }

  /** A write to the local staging file failed: the disk's trouble, never the server's. */
  private static final class LocalWriteException extends IOException {
    private static final long serialVersionUID = 1L;

    LocalWriteException(IOException cause) {
      super(cause.getMessage(), cause);
    }
  }

  /**
   * The bytes downloaded so far; 0 when there is no file. A symbolic link (or anything but a
   * regular file) where the download goes is refused: it would append to whatever it points at.
   */
  private static long sizeOf(Path part) throws IOException {
    var a = ExtensionStore.attributes(part);
    if (a.isEmpty()) {
      return 0;
    }
    if (!a.get().isRegularFile()) {
      throw new IOException(part + " is " + (a.get().isSymbolicLink() ? "a symbolic link"
          : "not a regular file") + "; refusing to write through it");
    }
    return a.get().size();
  }

  /** One GET from {@code have} on, appended to {@code part}; returns the bytes now there. */
  private long transfer(Extension e, String url, Path part, long have, long size)
      throws IOException, UpdateException {
    FileChannel opened;
    try {
      opened = FileChannel.open(part, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
          LinkOption.NOFOLLOW_LINKS);
    } catch (IOException x) {
      throw new LocalWriteException(x);
    }
    try (FileChannel out = opened; PayloadSource.Body body = source.open(url, have, -1)) {
      try {
        out.truncate(have);
        out.position(have);
      } catch (IOException x) {
        throw new LocalWriteException(x);
      }
      InputStream in = body.stream();
      if (!body.startsAtFrom() && have > 0) {
        in.skipNBytes(have);
      }
      byte[] buf = new byte[64 * 1024];
      int n;
      while ((n = in.read(buf)) > 0) {
        if (Thread.currentThread().isInterrupted()) {
          throw new java.io.InterruptedIOException("interrupted");
        }
        if (size >= 0 && have + n > size) {
          throw new UpdateException(ErrorCode.EXTENSION_HASH_MISMATCH, e + ": the download"
              + " continues past the " + size + " bytes the update server announced", null);
        }
        try {
          out.write(ByteBuffer.wrap(buf, 0, n));
        } catch (IOException x) {
          throw new LocalWriteException(x);
        }
        have += n;
      }
      return have;
    }
  }

  /**
   * The announced size, then the payload applied into {@code staged}. The announced SHA-256 is
   * the consumer's to check, in the same pass (error 61 at the end of it); only a server that
   * gives SHA-1 alone costs a pass of its own, before anything is applied.
   */
  private PayloadResult checkAndApply(Extension e, ExtensionSource src, Path part, Path staged)
      throws IOException, UpdateException {
    long size = sizeOf(part);
    if (src.size() >= 0 && size != src.size()) {
      throw new UpdateException(ErrorCode.EXTENSION_HASH_MISMATCH, e + ": the download is "
          + size + " bytes, the update server announced " + src.size(), null);
    }
    if (src.sha256() == null && !src.sha1().isEmpty() && !Base64.getEncoder()
        .encodeToString(ExtensionStore.digest(part, "SHA-1")).equals(src.sha1())) {
      throw new UpdateException(ErrorCode.EXTENSION_HASH_MISMATCH, e + ": the download's SHA-1"
          + " is not the one the update server announced", null);
    }
    if (src.sha256() == null && src.sha1().isEmpty()) {
      LOG.info("{}: {} gives no hash; its signature and image hashes are checked", e,
          src.origin());
    }
    return apply(e, part, staged, src.size(), src.sha256() == null ? null
        : Base64.getEncoder().encodeToString(src.sha256()));
  }

  /** The payload in {@code part} applied into {@code staged}, verified in full and forced. */
  private PayloadResult apply(Extension e, Path part, Path staged, long size,
      String sha256Base64) throws IOException, UpdateException {
    Files.deleteIfExists(staged); // a link planted there goes, not what it points at
    try (PayloadTarget image = PayloadTargets.growingFile(staged, MAX_IMAGE)) {
      var b = PayloadConsumer.builder().partition(image).trustedKeys(keys)
          .threads(tuning.threads()).deferTargetVerification();
      if (size >= 0) {
        b.expectedSize(size);
      }
      if (sha256Base64 != null) {
        b.expectedSha256(sha256Base64);
      }
      try (PayloadConsumer c = b.build();
          FileChannel in = FileChannel.open(part, StandardOpenOption.READ,
              LinkOption.NOFOLLOW_LINKS)) {
        ByteBuffer buf = ByteBuffer.allocate(1 << 20);
        while (in.read(buf) > 0) {
          buf.flip();
          c.write(buf);
          buf.clear();
        }
        PayloadResult r = c.finish();
        PartitionVerifier.truncateAndVerify(image, r.newPartitionSize(), r.newPartitionSha256(),
            dev.turnout.payload.ErrorCode.NEW_ROOTFS_VERIFICATION_ERROR, "its image");
        return r;
      }
    } catch (PayloadException x) {
      Files.deleteIfExists(staged);
      throw new UpdateException(codeFor(x.code()), e + ": " + x.reason(), x);
    }
  }

  /** The extension code for what the payload consumer found. */
  static ErrorCode codeFor(dev.turnout.payload.ErrorCode payload) {
    return switch (payload) {
      case DOWNLOAD_PAYLOAD_PUB_KEY_VERIFICATION_ERROR, DOWNLOAD_SIGNATURE_MISSING_IN_MANIFEST,
          DOWNLOAD_PAYLOAD_VERIFICATION_ERROR, SIGNED_DELTA_PAYLOAD_EXPECTED_ERROR,
          DOWNLOAD_METADATA_SIGNATURE_ERROR, DOWNLOAD_METADATA_SIGNATURE_VERIFICATION_ERROR,
          DOWNLOAD_METADATA_SIGNATURE_MISMATCH, DOWNLOAD_INVALID_METADATA_SIGNATURE,
          DOWNLOAD_METADATA_SIGNATURE_MISSING_ERROR -> ErrorCode.EXTENSION_SIGNATURE_ERROR;
      case PAYLOAD_HASH_MISMATCH_ERROR, PAYLOAD_SIZE_MISMATCH_ERROR ->
          ErrorCode.EXTENSION_HASH_MISMATCH;
      case DOWNLOAD_WRITE_ERROR -> ErrorCode.EXTENSION_WRITE_ERROR;
      default -> ErrorCode.EXTENSION_VERIFICATION_ERROR;
    };
  }
}
