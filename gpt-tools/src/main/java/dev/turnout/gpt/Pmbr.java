package dev.turnout.gpt;

/**
 * The protective MBR in LBA 0, as seismograph's cgpt writes it ({@code UpdatePMBR}, {@code fill_part}
 * in {@code cgpt_common.c}): one 0xEE record from LBA 1 covering the disk (capped at 2^32-1 sectors),
 * with the fixed CHS values Flatcar's cgpt writes (start {@code 00 02 00}, end {@code ff ff ff}); or, when a partition has the legacy-BIOS-bootable attribute
 * and fits below 2^32 sectors, a hybrid MBR: that partition as bootable FAT32-LBA record 0 and an
 * 0xEE record 1 covering LBA 1 up to it. The boot code area (bytes 0..445) is left as it is.
 */
final class Pmbr {
  private static final int PARTS = 446;
  private static final int RECORD = 16;
  private static final int MAX_CHS_LBA = 1024 * 255 * 63;

  private Pmbr() {}

  /** Rewrites the partition records and signature of {@code pmbr} from {@code entries}. */
  static void update(byte[] pmbr, byte[] entries, long sectors) {
    pmbr[510] = 0x55;
    pmbr[511] = (byte) 0xAA;
    for (int i = PARTS; i < 510; i++) {
      pmbr[i] = 0;
    }
    long max = sectors <= 0xFFFFFFFFL ? sectors - 1 : 0xFFFFFFFFL;
    for (int i = 0; i < GptLayout.ENTRY_COUNT; i++) {
      GptEntry e = GptImage.entry(entries, i);
      if (!e.used() || !e.attributes().legacyBootable() || e.lastLba() >= max) {
        continue;
      }
      fill(pmbr, 0, Kind.BOOTABLE, e.firstLba(), e.lastLba());
      fill(pmbr, 1, Kind.HYBRID, 1, e.firstLba() - 1);
      return;
    }
    fill(pmbr, 0, Kind.PROTECTIVE, 1, max);
  }

  private enum Kind { PROTECTIVE, HYBRID, BOOTABLE }

  private static void fill(byte[] b, int record, Kind kind, long first, long last) {
    int off = PARTS + record * RECORD;
    b[off] = kind == Kind.BOOTABLE ? (byte) 0x80 : 0;
    if (kind == Kind.PROTECTIVE) {
      // Flatcar's cgpt: CHS start 0/0/2 (LBA 1), end all ones, as its images carry them.
      b[off + 1] = 0x00;
      b[off + 2] = 0x02;
      b[off + 3] = 0x00;
      b[off + 5] = (byte) 0xFF;
      b[off + 6] = (byte) 0xFF;
      b[off + 7] = (byte) 0xFF;
    } else {
      chs(b, off + 1, first);
      chs(b, off + 5, last);
    }
    b[off + 4] = kind == Kind.BOOTABLE ? (byte) 0x0C : (byte) 0xEE;
    Le.put32(b, off + 8, first);
    Le.put32(b, off + 12, last - first + 1);
  }

  /** LBA to cylinder/head/sector, saturating at 1023/254/63 (seismograph {@code compute_chs}). */
  private static void chs(byte[] b, int off, long lba) {
    int cyl;
    int hds;
    int sec;
    if (lba == 0) {
      cyl = 0;
      hds = 0;
      sec = 0;
    } else if (lba > MAX_CHS_LBA) {
      cyl = 1023;
      hds = 254;
      sec = 63;
    } else {
      int s = (int) lba;
      cyl = s / (255 * 63);
      s -= cyl * 255 * 63;
      hds = s / 63;
      sec = s - hds * 63 + 1;
    }
    b[off] = (byte) hds;
    b[off + 1] = (byte) ((cyl >> 2 & 0xC0) | sec);
    b[off + 2] = (byte) cyl;
  }

  /** What {@code cgpt show} calls this sector ({@code PMBRToStr}). */
  static String describe(byte[] pmbr) {
    if (pmbr[510] != 0x55 || pmbr[511] != (byte) 0xAA) {
      return "Unknown";
    }
    if (pmbr[444] != 0x1D || pmbr[445] != (byte) 0x9A) {
      return pmbr[PARTS + RECORD + 4] != 0 ? "Hybrid MBR" : "Protective MBR";
    }
    java.util.UUID boot = Guids.read(pmbr, 424);
    if (boot.equals(Guids.ZERO)) {
      return "PMBR (SYSLINUX3)";
    }
    return "PMBR (SYSLINUX3, Boot GUID: " + Guids.upper(boot) + ")";
  }
}
