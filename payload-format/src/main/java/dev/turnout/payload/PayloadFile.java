package dev.turnout.payload;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.turnout.payload.proto.UpdateMetadata;
import dev.turnout.payload.proto.UpdateMetadata.DeltaArchiveManifest;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/**
 * A payload file read for inspection and re-signing: its header, manifest and signature blob, and
 * where the blob area starts. Reading this way checks structure only; {@link PayloadConsumer} is what
 * verifies.
 *
 * @param metadataSize header plus manifest: the file offset of the blob area
 * @param signatures the signature blob, or null when the payload is unsigned
 */
public record PayloadFile(Path path, long fileSize, long manifestSize, long metadataSize,
    DeltaArchiveManifest manifest, UpdateMetadata.Signatures signatures) {

  public static PayloadFile read(Path path) throws IOException {
    return read(path, PayloadLimits.DEFAULT);
  }

  public static PayloadFile read(Path path, PayloadLimits limits) throws IOException {
    try (FileChannel ch = FileChannel.open(path)) {
      long fileSize = ch.size();
      ByteBuffer header = ByteBuffer.allocate(CrauFormat.HEADER_SIZE);
      readFully(ch, header, 0);
      byte[] magic = new byte[4];
      header.flip().get(magic);
      if (!java.util.Arrays.equals(magic, CrauFormat.MAGIC)) {
        throw new PayloadException(ErrorCode.DOWNLOAD_INVALID_METADATA_MAGIC_STRING,
            path + " is not a CrAU payload");
      }
      header.getLong();
      long manifestSize = header.getLong();
      if (manifestSize <= 0 || manifestSize > limits.maxManifestSize()
          || CrauFormat.HEADER_SIZE + manifestSize > fileSize) {
        throw new PayloadException(ErrorCode.DOWNLOAD_INVALID_METADATA_SIZE,
            "manifest size " + Long.toUnsignedString(manifestSize) + " does not fit the file");
      }
      ByteBuffer mb = ByteBuffer.allocate((int) manifestSize);
      readFully(ch, mb, CrauFormat.HEADER_SIZE);
      DeltaArchiveManifest m;
      try {
        m = DeltaArchiveManifest.parseFrom(mb.array());
      } catch (InvalidProtocolBufferException e) {
        throw new PayloadException(ErrorCode.DOWNLOAD_MANIFEST_PARSE_ERROR,
            "the manifest cannot be parsed: " + e.getMessage(), e);
      }
      long metadata = CrauFormat.HEADER_SIZE + manifestSize;
      UpdateMetadata.Signatures sigs = null;
      if (m.hasSignaturesOffset() && m.getSignaturesSize() > 0) {
        long at = metadata + m.getSignaturesOffset();
        long size = m.getSignaturesSize();
        if (at >= metadata && size <= 64 * 1024 && at + size > fileSize) {
          throw new PayloadException(ErrorCode.PAYLOAD_SIZE_MISMATCH_ERROR, "the file ends early:"
              + " it is " + fileSize + " bytes, the payload " + (at + size) + " (the file ends at"
              + " byte " + fileSize + ", " + (fileSize < at ? "inside the operation data"
              : "inside the signature blob") + ")");
        }
        if (at < metadata || size > 64 * 1024) {
          throw new PayloadException(ErrorCode.SIGNED_DELTA_PAYLOAD_EXPECTED_ERROR,
              "the signature blob lies outside the payload");
        }
        ByteBuffer sb = ByteBuffer.allocate((int) size);
        readFully(ch, sb, at);
        try {
          sigs = UpdateMetadata.Signatures.parseFrom(sb.array());
        } catch (InvalidProtocolBufferException e) {
          throw new PayloadException(ErrorCode.DOWNLOAD_PAYLOAD_PUB_KEY_VERIFICATION_ERROR,
              "the signature blob cannot be parsed", e);
        }
      }
      return new PayloadFile(path, fileSize, manifestSize, metadata, m, sigs);
    }
  }

  /** Bytes of operation data: up to the signature blob, or to the end of an unsigned payload. */
  public long blobAreaSize() {
    return manifest.hasSignaturesOffset() ? manifest.getSignaturesOffset()
        : fileSize - metadataSize;
  }

  static void readFully(FileChannel ch, ByteBuffer dst, long at) throws IOException {
    long pos = at;
    while (dst.hasRemaining()) {
      int n = ch.read(dst, pos);
      if (n < 0) {
        throw new PayloadException(ErrorCode.PAYLOAD_SIZE_MISMATCH_ERROR,
            "the file ends at byte " + pos + ", inside the payload");
      }
      pos += n;
    }
  }
}
