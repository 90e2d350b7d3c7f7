package dev.turnout.gpt;

import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.zip.CRC32;

/**
 * A GPT header as stored in its sector (UEFI spec 5.3.2; seismograph {@code gpt.h}).
 *
 * @param signature the 8 signature bytes ({@code EFI PART}, or {@code CHROMEOS} which cgpt accepts)
 * @param size the header size field; cgpt accepts 92..512
 */
public record GptHeader(byte[] signature, long revision, long size, long headerCrc, long reserved,
    long myLba, long alternateLba, long firstUsableLba, long lastUsableLba, UUID diskGuid,
    long entriesLba, long numberOfEntries, long sizeOfEntry, long entriesCrc) {

  static final byte[] SIGNATURE = "EFI PART".getBytes(StandardCharsets.US_ASCII);
  static final byte[] SIGNATURE_CHROMEOS = "CHROMEOS".getBytes(StandardCharsets.US_ASCII);
  static final long REVISION = 0x00010000L;
  static final int CRC_OFFSET = 16;

  public GptHeader {
    signature = signature.clone();
  }

  @Override
  public byte[] signature() {
    return signature.clone();
  }

  /** The signature as text, the way {@code cgpt show -v} prints it. */
  public String signatureText() {
    return new String(signature, StandardCharsets.ISO_8859_1);
  }

  static GptHeader decode(byte[] s) {
    byte[] sig = new byte[8];
    System.arraycopy(s, 0, sig, 0, 8);
    return new GptHeader(sig, Le.u32(s, 8), Le.u32(s, 12), Le.u32(s, 16), Le.u32(s, 20),
        Le.u64(s, 24), Le.u64(s, 32), Le.u64(s, 40), Le.u64(s, 48), Guids.read(s, 56),
        Le.u64(s, 72), Le.u32(s, 80), Le.u32(s, 84), Le.u32(s, 88));
  }

  /**
   * The CRC cgpt's reader expects: CRC-32 over {@code size} bytes of the header with the CRC field
   * taken as zero. {@code size} is clamped to the sector so a hostile value cannot overrun it.
   */
  static long computeCrc(byte[] sector) {
    int size = (int) Math.min(Math.max(Le.u32(sector, 12), 0), GptLayout.SECTOR);
    byte[] copy = sector.clone();
    Le.put32(copy, CRC_OFFSET, 0);
    CRC32 crc = new CRC32();
    crc.update(copy, 0, size);
    return crc.getValue();
  }

  static long crc(byte[] data, int off, int len) {
    CRC32 crc = new CRC32();
    crc.update(data, off, len);
    return crc.getValue();
  }

  /** Fills an empty primary header for a disk of {@code sectors} (what {@code cgpt create} writes). */
  static void initPrimary(byte[] h, long sectors, java.util.UUID diskGuid) {
    System.arraycopy(SIGNATURE, 0, h, 0, 8);
    Le.put32(h, 8, REVISION);
    Le.put32(h, 12, GptLayout.HEADER_SIZE);
    Le.put64(h, 24, 1);
    Le.put64(h, 32, GptLayout.backupHeaderLba(sectors));
    Le.put64(h, 40, GptLayout.FIRST_USABLE);
    Le.put64(h, 48, GptLayout.lastUsable(sectors));
    Guids.write(diskGuid, h, 56);
    Le.put64(h, 72, 2);
    Le.put32(h, 80, GptLayout.ENTRY_COUNT);
    Le.put32(h, 84, GptEntry.SIZE);
  }
}
