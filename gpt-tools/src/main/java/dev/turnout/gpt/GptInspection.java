package dev.turnout.gpt;

import java.util.List;

/**
 * Everything there is to see of a disk's GPT, valid or not: both headers and arrays as stored, which
 * copies cgpt's rules accept, and why the others are rejected. This is what {@code cgpt show} prints
 * from; taking it never writes.
 *
 * @param sanity cgptlib's {@code GptSanityCheck} result
 * @param primaryHeaderCrc the CRC the primary header should carry (computed)
 * @param primaryArrayCrc the CRC of the primary array as stored (computed)
 * @param numberOfEntries the entry count of the valid header (0 when none is valid)
 * @param arraysIdentical both arrays are byte-identical
 * @param headersSynonymous both headers agree on usable range, disk GUID and array geometry
 * @param problems one line per rejected copy, saying why
 */
public record GptInspection(String diskName, long sectors, String pmbrDescription, GptError sanity,
    boolean primaryHeaderValid, boolean secondaryHeaderValid,
    boolean primaryArrayValid, boolean secondaryArrayValid,
    GptHeader primaryHeader, GptHeader secondaryHeader,
    long primaryHeaderCrc, long secondaryHeaderCrc, long primaryArrayCrc, long secondaryArrayCrc,
    List<GptEntry> primaryEntries, List<GptEntry> secondaryEntries, int numberOfEntries,
    boolean arraysIdentical, boolean headersSynonymous, List<String> problems) {

  public GptInspection {
    primaryEntries = List.copyOf(primaryEntries);
    secondaryEntries = List.copyOf(secondaryEntries);
    problems = List.copyOf(problems);
  }

  /** Both copies of header and array are valid: nothing for {@code repair} to do but a resize. */
  public boolean fullyValid() {
    return primaryHeaderValid && secondaryHeaderValid && primaryArrayValid && secondaryArrayValid;
  }

  /** The entries cgpt reads ("ANY_VALID"): the primary array if valid, else the secondary. */
  public List<GptEntry> entries() {
    return primaryArrayValid ? primaryEntries : secondaryEntries;
  }

  static GptInspection of(String name, GptImage img) {
    GptError sanity = img.sanityCheck();
    int count = img.validHeaders == 0 ? 0 : (int) Le.u32(img.anyValidHeader(), 80);
    return new GptInspection(name, img.sectors, Pmbr.describe(img.pmbr), sanity,
        (img.validHeaders & GptImage.PRIMARY) != 0, (img.validHeaders & GptImage.SECONDARY) != 0,
        (img.validEntries & GptImage.PRIMARY) != 0, (img.validEntries & GptImage.SECONDARY) != 0,
        GptHeader.decode(img.header1), GptHeader.decode(img.header2),
        GptHeader.computeCrc(img.header1), GptHeader.computeCrc(img.header2),
        GptHeader.crc(img.entries1, 0, GptLayout.ENTRIES_BYTES),
        GptHeader.crc(img.entries2, 0, GptLayout.ENTRIES_BYTES),
        GptImage.entries(img.entries1), GptImage.entries(img.entries2), count,
        java.util.Arrays.equals(img.entries1, img.entries2),
        GptImage.synonymous(img.header1, img.header2), img.problems);
  }
}
