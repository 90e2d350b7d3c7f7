package dev.turnout.gpt;

/**
 * cgptlib's result codes, with the numbers and names {@code cgpt} prints
 * ("GptSanityCheck() returned 2: GPT_ERROR_INVALID_HEADERS") and the texts of {@code GptErrorText}.
 */
public enum GptError {
  SUCCESS(0, "none"),
  NO_VALID_KERNEL(1, "Invalid kernel"),
  INVALID_HEADERS(2, "Invalid headers"),
  INVALID_ENTRIES(3, "Invalid entries"),
  INVALID_SECTOR_SIZE(4, "Invalid sector size"),
  INVALID_SECTOR_NUMBER(5, "Invalid sector number"),
  INVALID_UPDATE_TYPE(6, "Invalid update type"),
  CRC_CORRUPTED(7, "Entries' crc corrupted"),
  OUT_OF_REGION(8, "Entry outside of valid region"),
  START_LBA_OVERLAP(9, "Starting LBA overlaps"),
  END_LBA_OVERLAP(10, "Ending LBA overlaps"),
  DUP_GUID(11, "Duplicated GUID");

  public final int code;
  public final String text;

  GptError(int code, String text) {
    this.code = code;
    this.text = text;
  }

  /**
   * The symbolic name cgpt's {@code GptError()} prints. Only codes 0..6 have one there; the others
   * print as {@code <illegal value>}.
   */
  public String symbol() {
    return code <= INVALID_UPDATE_TYPE.code ? "GPT_" + (code == 0 ? "SUCCESS" : "ERROR_" + name())
        : "<illegal value>";
  }
}
