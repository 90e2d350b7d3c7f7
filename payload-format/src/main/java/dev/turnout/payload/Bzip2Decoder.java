package dev.turnout.payload;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * A bzip2 decoder for whole in-memory streams, written for speed on the payload's hot path:
 * table-driven Huffman decoding from a 64-bit bit buffer filled eight bytes at a time, the inverse
 * BWT in one int array walked on several lanes at once, and output streamed through a small buffer
 * to a {@link Sink} (so a bomb never fills memory: the sink
 * refuses the first byte too many). Every block's CRC and the stream CRC are checked.
 * commons-compress's {@code BZip2CompressorInputStream} is the reference it is tested against.
 *
 * <p>Randomised blocks (written only by bzip2 before 0.9.5) are refused. Not thread-safe; one
 * instance per thread, reused across operations.
 */
final class Bzip2Decoder {
  /** Where decoded bytes go. */
  interface Sink {
    void write(byte[] b, int off, int len) throws IOException;
  }

  private static final int MAX_GROUPS = 6;
  static final int MAX_ALPHA = 258;
  static final int MAX_CODE_LEN = 20;
  static final int LOOKUP_BITS = 10;
  private static final int GROUP_SIZE = 50;
  private static final int[] CRC_TABLE = new int[256];
  private static final VarHandle BIG_ENDIAN_LONG =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

  static {
    for (int i = 0; i < 256; i++) {
      int c = i << 24;
      for (int k = 0; k < 8; k++) {
        c = (c & 0x80000000) != 0 ? (c << 1) ^ 0x04c11db7 : c << 1;
      }
      CRC_TABLE[i] = c;
    }
  }

  private static final int LANES = 6;
  private static final int MAX_SEGMENTS = 64;
  private static final int MIN_SEGMENT = 4096;
  private static final int REGION = 1 << 14;
  private static final int MARK = 0x80000000;

  private int[] tt = new int[100_000];
  private byte[] walked = new byte[0];
  private final int[] segStart = new int[MAX_SEGMENTS];
  private final int[] segNext = new int[MAX_SEGMENTS];
  private final int[] segFirstPiece = new int[MAX_SEGMENTS];
  private final int[] lanePos = new int[LANES];
  private final int[] laneCur = new int[LANES];
  private final int[] laneEnd = new int[LANES];
  private final int[] laneSeg = new int[LANES];
  private final int[] lanePiece = new int[LANES];
  private int[] pieceOff = new int[0];
  private int[] pieceLen = new int[0];
  private int[] pieceNext = new int[0];
  private int pieces;
  private int nextRegion;
  private int rleCrc;
  private int rleLast;
  private int rleSame;
  private final byte[] out = new byte[64 * 1024];
  private int outLen;
  private final int[] counts = new int[256];
  private final byte[] seqToUnseq = new byte[256];
  private final byte[] mtf = new byte[256];
  private final byte[] selectors = new byte[32768];
  private final byte[][] lengths = new byte[MAX_GROUPS][MAX_ALPHA];
  private final Bzip2Huffman[] groups = new Bzip2Huffman[MAX_GROUPS];

  Bzip2Decoder() {
    for (int g = 0; g < MAX_GROUPS; g++) {
      groups[g] = new Bzip2Huffman();
    }
  }

  private byte[] in;
  private int pos;
  private long bitBuf;
  private int bitCount;

  /** Decodes one complete bzip2 stream. */
  void decode(byte[] data, Sink sink) throws IOException {
    in = data;
    pos = 0;
    bitBuf = 0;
    bitCount = 0;
    outLen = 0;
    if (bits(8) != 'B' || bits(8) != 'Z' || bits(8) != 'h') {
      throw new IOException("not a bzip2 stream");
    }
    int level = bits(8) - '0';
    if (level < 1 || level > 9) {
      throw new IOException("bad bzip2 block size");
    }
    int maxBlock = level * 100_000;
    if (tt.length < maxBlock) {
      tt = new int[maxBlock];
    }
    int maxPieces = maxBlock / REGION + LANES + 2 + MAX_SEGMENTS;
    if (pieceOff.length < maxPieces) {
      pieceOff = new int[maxPieces];
      pieceLen = new int[maxPieces];
      pieceNext = new int[maxPieces];
    }
    int combined = 0;
    while (true) {
      long magic = ((long) bits(24) << 24) | bits(24);
      if (magic == 0x177245385090L) {
        int streamCrc = bits(32);
        if (streamCrc != combined) {
          throw new IOException("bzip2 stream CRC mismatch");
        }
        flush(sink);
        return;
      }
      if (magic != 0x314159265359L) {
        throw new IOException("bad bzip2 block magic");
      }
      int blockCrc = bits(32);
      int crc = block(maxBlock, sink);
      if (crc != blockCrc) {
        throw new IOException("bzip2 block CRC mismatch");
      }
      combined = ((combined << 1) | (combined >>> 31)) ^ blockCrc;
    }
  }

  private int bits(int n) throws IOException {
    if (bitCount < n) {
      refill();
      if (bitCount < n) {
        throw new IOException("bzip2 stream ends early");
      }
    }
    bitCount -= n;
    return (int) ((bitBuf >>> bitCount) & ((1L << n) - 1));
  }

  private void refill() {
    int k = (63 - bitCount) >>> 3;
    if (k > 0 && pos + 8 <= in.length) { // whole bytes at once, as many as the buffer takes
      long word = (long) BIG_ENDIAN_LONG.get(in, pos);
      bitBuf = (bitBuf << (k << 3)) | (word >>> (64 - (k << 3)));
      bitCount += k << 3;
      pos += k;
      return;
    }
    while (bitCount <= 56 && pos < in.length) {
      bitBuf = (bitBuf << 8) | (in[pos++] & 0xFF);
      bitCount += 8;
    }
  }

  private int block(int maxBlock, Sink sink) throws IOException {
    if (bits(1) != 0) {
      throw new IOException("randomised bzip2 blocks are not supported");
    }
    int origPtr = bits(24);
    int inUse16 = bits(16);
    int nInUse = 0;
    for (int i = 0; i < 16; i++) {
      if ((inUse16 & (0x8000 >>> i)) != 0) {
        int used = bits(16);
        for (int j = 0; j < 16; j++) {
          if ((used & (0x8000 >>> j)) != 0) {
            seqToUnseq[nInUse++] = (byte) (i * 16 + j);
          }
        }
      }
    }
    if (nInUse == 0) {
      throw new IOException("bzip2 block uses no symbols");
    }
    int alphaSize = nInUse + 2;
    int nGroups = bits(3);
    int nSelectors = bits(15);
    if (nGroups < 2 || nGroups > MAX_GROUPS || nSelectors < 1) {
      throw new IOException("bad bzip2 Huffman tables");
    }
    byte[] pos = {0, 1, 2, 3, 4, 5};
    for (int i = 0; i < nSelectors; i++) {
      int j = 0;
      while (bits(1) == 1) {
        if (++j >= nGroups) {
          throw new IOException("bad bzip2 selector");
        }
      }
      byte v = pos[j];
      System.arraycopy(pos, 0, pos, 1, j);
      pos[0] = v;
      if (i < selectors.length) {
        selectors[i] = v;
      }
    }
    nSelectors = Math.min(nSelectors, selectors.length);
    for (int t = 0; t < nGroups; t++) {
      int curr = bits(5);
      for (int i = 0; i < alphaSize; i++) {
        while (true) {
          if (curr < 1 || curr > MAX_CODE_LEN) {
            throw new IOException("bad bzip2 code length");
          }
          if (bits(1) == 0) {
            break;
          }
          curr += bits(1) == 0 ? 1 : -1;
        }
        lengths[t][i] = (byte) curr;
      }
      groups[t].build(lengths[t], alphaSize);
    }

    for (int i = 0; i < 256; i++) {
      mtf[i] = (byte) i;
      counts[i] = 0;
    }
    int eob = nInUse + 1;
    int nblock = 0;
    int groupNo = -1;
    int groupPos = 0;
    int run = 0;
    int runWeight = 1;
    int g = 0;
    while (true) {
      if (groupPos == 0) {
        if (++groupNo >= nSelectors) {
          throw new IOException("bzip2 block runs past its selectors");
        }
        groupPos = GROUP_SIZE;
        g = selectors[groupNo];
      }
      groupPos--;
      int sym = symbol(g);
      if (sym <= 1) { // RUNA or RUNB
        run += (sym + 1) * runWeight;
        runWeight <<= 1;
        if (run > maxBlock) {
          throw new IOException("bzip2 run too long");
        }
        continue;
      }
      if (run > 0) {
        if (nblock + run > maxBlock) {
          throw new IOException("bzip2 block too large");
        }
        byte b = seqToUnseq[mtf[0] & 0xFF];
        counts[b & 0xFF] += run;
        java.util.Arrays.fill(tt, nblock, nblock + run, b & 0xFF);
        nblock += run;
        run = 0;
        runWeight = 1;
      }
      if (sym == eob) {
        break;
      }
      int nn = sym - 1;
      if (nn >= nInUse || nblock >= maxBlock) {
        throw new IOException("bad bzip2 symbol");
      }
      byte u = mtf[nn];
      System.arraycopy(mtf, 0, mtf, 1, nn);
      mtf[0] = u;
      int b = seqToUnseq[u & 0xFF] & 0xFF;
      counts[b]++;
      tt[nblock++] = b;
    }
    if (origPtr >= nblock) {
      throw new IOException("bad bzip2 origin pointer");
    }
    int sum = 0;
    for (int i = 0; i < 256; i++) {
      int c = counts[i];
      counts[i] = sum;
      sum += c;
    }
    for (int i = 0; i < nblock; i++) {
      int b = tt[i] & 0xFF;
      tt[counts[b]++] |= i << 8;
    }
    return unRle(nblock, tt[origPtr] >>> 8, sink);
  }

  /**
   * Walks the inverse BWT and undoes bzip2's initial run-length coding, with the block CRC.
   *
   * <p>The walk is one dependent, cache-missing load per byte through {@code tt}, so it runs on
   * {@link #LANES} lanes at once: the cycle is cut at up to {@link #MAX_SEGMENTS} start positions
   * (marked in {@code tt} with the sign bit), each lane walks one segment until it meets the next
   * start, writing into {@code walked} in {@link #REGION}-byte pieces, and the loads of the lanes
   * overlap. Then the segments are read in text order from the one at the block's origin. A block
   * whose text is periodic (a run of zeros, a repeated line) has a cycle shorter than the block;
   * walking it from the origin for the whole block repeats it, as bzip2 itself does, so the
   * segments on the origin's cycle are read round again until the block is full.
   */
  private int unRle(int nblock, int origin, Sink sink) throws IOException {
    int[] t = tt;
    int segments = Math.max(1, Math.min(MAX_SEGMENTS, nblock / MIN_SEGMENT));
    int m = 0;
    for (int k = 0; k < segments; k++) {
      int s = k == 0 ? origin : (int) ((long) k * nblock / segments);
      if (k > 0 && s == origin) {
        continue;
      }
      segStart[m++] = s;
      t[s] |= MARK;
    }
    walk(t, m, nblock); // the marks stay: the next block builds tt afresh
    rleCrc = -1;
    rleLast = -1;
    rleSame = 0;
    int left = nblock;
    while (left > 0) {
      int k = 0;
      do {
        for (int piece = segFirstPiece[k]; piece >= 0 && left > 0; piece = pieceNext[piece]) {
          int len = Math.min(left, pieceLen[piece]);
          unRle(walked, pieceOff[piece], len, sink);
          left -= len;
        }
        k = segNext[k];
      } while (k != 0 && left > 0);
    }
    return ~rleCrc;
  }

  /** The lanes' walk: fills {@code walked}, the pieces and each segment's successor. */
  private void walk(int[] t, int m, int nblock) throws IOException {
    int regions = nblock / REGION + LANES + 2;
    if (walked.length < regions * REGION) {
      walked = new byte[regions * REGION];
    }
    byte[] w = walked;
    int limit = regions * REGION;
    nextRegion = 0;
    pieces = 0;
    int next = 0;
    int active = 0;
    for (int l = 0; l < LANES; l++) {
      laneCur[l] = nextRegion;
      laneEnd[l] = nextRegion += REGION;
      if (next < m) {
        startSegment(l, next++, t);
        active++;
      } else {
        lanePos[l] = -1;
      }
    }
    int[] pos = lanePos;
    int[] cur = laneCur;
    int[] end = laneEnd;
    while (active > 0) {
      for (int l = 0; l < LANES; l++) {
        int p = pos[l];
        if (p < 0) {
          continue;
        }
        int e = t[p];
        if (e < 0) { // the start of another segment: this one ends here
          pieceLen[lanePiece[l]] = cur[l] - pieceOff[lanePiece[l]];
          segNext[laneSeg[l]] = segmentAt(p, m);
          if (next < m) {
            startSegment(l, next++, t);
          } else {
            pos[l] = -1;
            active--;
          }
          continue;
        }
        int c = cur[l];
        if (c == end[l]) {
          if (nextRegion + REGION > limit) {
            throw new IOException("bad bzip2 block: its walk is longer than the block");
          }
          pieceLen[lanePiece[l]] = c - pieceOff[lanePiece[l]];
          c = nextRegion;
          end[l] = nextRegion += REGION;
          int piece = newPiece(c);
          pieceNext[lanePiece[l]] = piece;
          lanePiece[l] = piece;
        }
        w[c] = (byte) e;
        cur[l] = c + 1;
        pos[l] = e >>> 8;
      }
    }
  }

  /** Puts lane {@code l} on segment {@code k}: a new piece where the lane writes, its first byte. */
  private void startSegment(int l, int k, int[] t) {
    int piece = newPiece(laneCur[l]);
    segFirstPiece[k] = piece;
    laneSeg[l] = k;
    lanePiece[l] = piece;
    int e = t[segStart[k]];
    if (laneCur[l] == laneEnd[l]) { // a full region: the first byte opens the next one
      laneCur[l] = nextRegion;
      laneEnd[l] = nextRegion += REGION;
      pieceOff[piece] = laneCur[l];
    }
    walked[laneCur[l]++] = (byte) e;
    lanePos[l] = (e >>> 8) & 0x7FFFFF;
  }

  private int newPiece(int off) {
    int piece = pieces++;
    pieceOff[piece] = off;
    pieceLen[piece] = 0;
    pieceNext[piece] = -1;
    return piece;
  }

  private int segmentAt(int p, int m) {
    for (int k = 0; k < m; k++) {
      if (segStart[k] == p) {
        return k;
      }
    }
    throw new IllegalStateException("a marked position that is no segment's start");
  }

  /** Undoes the initial run-length coding of {@code len} walked bytes, keeping the block CRC. */
  private void unRle(byte[] src, int off, int len, Sink sink) throws IOException {
    int crc = rleCrc;
    int last = rleLast;
    int same = rleSame;
    byte[] o = out;
    int n = outLen;
    for (int i = off, stop = off + len; i < stop; i++) {
      int ch = src[i] & 0xFF;
      if (same == 4) {
        for (int k = 0; k < ch; k++) {
          if (n == o.length) {
            outLen = n;
            flush(sink);
            n = 0;
          }
          o[n++] = (byte) last;
          crc = (crc << 8) ^ CRC_TABLE[((crc >>> 24) ^ last) & 0xFF];
        }
        same = 0;
        last = -1;
        continue;
      }
      if (ch == last) {
        same++;
      } else {
        same = 1;
        last = ch;
      }
      if (n == o.length) {
        outLen = n;
        flush(sink);
        n = 0;
      }
      o[n++] = (byte) ch;
      crc = (crc << 8) ^ CRC_TABLE[((crc >>> 24) ^ ch) & 0xFF];
    }
    outLen = n;
    rleCrc = crc;
    rleLast = last;
    rleSame = same;
  }

  private void flush(Sink sink) throws IOException {
    if (outLen > 0) {
      sink.write(out, 0, outLen);
      outLen = 0;
    }
  }

  private int symbol(int g) throws IOException {
    if (bitCount < MAX_CODE_LEN) {
      refill();
    }
    Bzip2Huffman h = groups[g];
    if (bitCount >= LOOKUP_BITS) {
      int v = h.lookup[(int) (bitBuf >>> (bitCount - LOOKUP_BITS)) & ((1 << LOOKUP_BITS) - 1)];
      if (v != 0) {
        bitCount -= v & 31;
        return v >>> 5;
      }
    }
    int l = h.minLen;
    int code = bits(l);
    int[] lim = h.limit;
    while (l <= MAX_CODE_LEN && code > lim[l]) {
      l++;
      code = (code << 1) | bits(1);
    }
    if (l > MAX_CODE_LEN) {
      throw new IOException("bad bzip2 Huffman code");
    }
    int idx = code + h.base[l];
    if (idx < 0 || idx >= MAX_ALPHA) {
      throw new IOException("bad bzip2 Huffman code");
    }
    return h.perm[idx];
  }
}
