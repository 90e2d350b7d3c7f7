package dev.turnout.payload;

import java.io.IOException;

/**
 * One coding group's canonical Huffman tables for {@link Bzip2Decoder}: {@code limit}, {@code base}
 * and {@code perm} decode any code bit by bit from {@code minLen}; {@code lookup} resolves codes of
 * up to {@code LOOKUP_BITS} bits in one read, as {@code (symbol << 5) | length}.
 */
final class Bzip2Huffman {
  final int[] limit = new int[Bzip2Decoder.MAX_CODE_LEN + 2];
  final int[] base = new int[Bzip2Decoder.MAX_CODE_LEN + 2];
  final int[] perm = new int[Bzip2Decoder.MAX_ALPHA];
  final short[] lookup = new short[1 << Bzip2Decoder.LOOKUP_BITS];
  int minLen;

  /** Builds the tables from one group's code lengths. */
  void build(byte[] len, int alphaSize) throws IOException {
    int min = Bzip2Decoder.MAX_CODE_LEN;
    int max = 0;
    for (int i = 0; i < alphaSize; i++) {
      min = Math.min(min, len[i]);
      max = Math.max(max, len[i]);
    }
    int[] p = perm;
    int pp = 0;
    for (int l = min; l <= max; l++) {
      for (int i = 0; i < alphaSize; i++) {
        if (len[i] == l) {
          p[pp++] = i;
        }
      }
    }
    int[] count = new int[Bzip2Decoder.MAX_CODE_LEN + 2];
    for (int i = 0; i < alphaSize; i++) {
      count[len[i]]++;
    }
    int[] lim = limit;
    int[] bs = base;
    java.util.Arrays.fill(lim, -1);
    int code = 0;
    int index = 0;
    for (int l = min; l <= max; l++) {
      bs[l] = index - code; // perm index of a code c of length l: c + bs[l]
      code += count[l];
      index += count[l];
      lim[l] = code - 1;
      code <<= 1;
    }
    if (lim[max] + 1 > (1 << max)) {
      throw new IOException("bad bzip2 Huffman code");
    }
    minLen = min;
    short[] lk = lookup;
    java.util.Arrays.fill(lk, (short) 0);
    // Codes of length <= Bzip2Decoder.LOOKUP_BITS resolve in one table read: (symbol << 5) | length.
    int c = 0;
    int k = 0;
    for (int l = min; l <= max; l++) {
      c = l == min ? 0 : (lim[l - 1] + 1) << 1;
      for (int j = 0; j < count[l]; j++, k++) {
        if (l <= Bzip2Decoder.LOOKUP_BITS) {
          int first = (c + j) << (Bzip2Decoder.LOOKUP_BITS - l);
          int span = 1 << (Bzip2Decoder.LOOKUP_BITS - l);
          short v = (short) ((p[k] << 5) | l);
          for (int s = 0; s < span; s++) {
            lk[first + s] = v;
          }
        }
      }
    }
  }
}
