package dev.turnout.engine;

/**
 * update_engine's action exit codes, the whole table, with their stable numbers
 * ({@code action_processor.h}; the same list as go-omaha's {@code codes.go}), and Turnout's own.
 * What a payload itself can fail with is payload-format's {@link dev.turnout.payload.ErrorCode},
 * a subset with the same numbers ({@link #of(dev.turnout.payload.ErrorCode)}). These numbers cross the wire in Omaha error events and
 * Nebraska counts them, so they never change. Flag bits (resumed, non-default server, dev mode) are
 * ORed in by the reporter and are not part of this enum; HTTP failures of the update check are
 * {@code 2000 + status}, see {@link #httpCode(int)}.
 */
public enum ErrorCode {
  SUCCESS(0),
  ERROR(1),
  OMAHA_REQUEST_ERROR(2),
  OMAHA_RESPONSE_HANDLER_ERROR(3),
  FILESYSTEM_COPIER_ERROR(4),
  POSTINSTALL_RUNNER_ERROR(5),
  SET_BOOTABLE_FLAG_ERROR(6),
  INSTALL_DEVICE_OPEN_ERROR(7),
  KERNEL_DEVICE_OPEN_ERROR(8),
  DOWNLOAD_TRANSFER_ERROR(9),
  PAYLOAD_HASH_MISMATCH_ERROR(10),
  PAYLOAD_SIZE_MISMATCH_ERROR(11),
  DOWNLOAD_PAYLOAD_VERIFICATION_ERROR(12),
  DOWNLOAD_NEW_PARTITION_INFO_ERROR(13),
  DOWNLOAD_WRITE_ERROR(14),
  NEW_ROOTFS_VERIFICATION_ERROR(15),
  NEW_KERNEL_VERIFICATION_ERROR(16),
  SIGNED_DELTA_PAYLOAD_EXPECTED_ERROR(17),
  DOWNLOAD_PAYLOAD_PUB_KEY_VERIFICATION_ERROR(18),
  POSTINSTALL_BOOTED_FROM_FIRMWARE_B(19),
  DOWNLOAD_STATE_INITIALIZATION_ERROR(20),
  DOWNLOAD_INVALID_METADATA_MAGIC_STRING(21),
  DOWNLOAD_SIGNATURE_MISSING_IN_MANIFEST(22),
  DOWNLOAD_MANIFEST_PARSE_ERROR(23),
  DOWNLOAD_METADATA_SIGNATURE_ERROR(24),
  DOWNLOAD_METADATA_SIGNATURE_VERIFICATION_ERROR(25),
  DOWNLOAD_METADATA_SIGNATURE_MISMATCH(26),
  DOWNLOAD_OPERATION_HASH_VERIFICATION_ERROR(27),
  DOWNLOAD_OPERATION_EXECUTION_ERROR(28),
  DOWNLOAD_OPERATION_HASH_MISMATCH(29),
  OMAHA_REQUEST_EMPTY_RESPONSE_ERROR(30),
  OMAHA_REQUEST_XML_PARSE_ERROR(31),
  DOWNLOAD_INVALID_METADATA_SIZE(32),
  DOWNLOAD_INVALID_METADATA_SIGNATURE(33),
  OMAHA_RESPONSE_INVALID(34),
  OMAHA_UPDATE_IGNORED_PER_POLICY(35),
  OMAHA_UPDATE_DEFERRED_PER_POLICY(36),
  OMAHA_ERROR_IN_HTTP_RESPONSE(37),
  DOWNLOAD_OPERATION_HASH_MISSING_ERROR(38),
  DOWNLOAD_METADATA_SIGNATURE_MISSING_ERROR(39),
  OMAHA_UPDATE_DEFERRED_FOR_BACKOFF(40),
  POSTINSTALL_POWERWASH_ERROR(41),
  NEW_PCR_POLICY_VERIFICATION_ERROR(42),
  NEW_PCR_POLICY_HTTP_ERROR(43),
  ROLLBACK_ERROR(44),
  // Turnout's own codes, for the extensions of the new version (update_engine leaves them to
  // flatcar-postinst, whose failure is a bare 5). Numbers no update_engine code uses.
  /** An extension could not be downloaded from any of its URLs. */
  EXTENSION_DOWNLOAD_ERROR(60),
  /** An extension's download is not the size or hash the update server announced. */
  EXTENSION_HASH_MISMATCH(61),
  /** An extension's payload is not signed by a trusted key. */
  EXTENSION_SIGNATURE_ERROR(62),
  /** A wanted extension has no source: not in the response, no EXTENSIONS_BASE_URL. */
  EXTENSION_NO_SOURCE(63),
  /** An extension's payload is malformed, or an operation or the image fails its hash. */
  EXTENSION_VERIFICATION_ERROR(64),
  /** An extension's image cannot be written to its place. */
  EXTENSION_WRITE_ERROR(65),
  /** Optional extensions were left behind; reported, the update went on without them. */
  EXTENSIONS_LEFT_BEHIND(66),
  // Turnout's: the booted slot did not prove healthy (a unit required by boot-complete.target
  // failed, or the target was not reached in time).
  BOOT_HEALTH_FAILED(67),
  /** Internal only: a download stopped before the end; never reported. */
  DOWNLOAD_INCOMPLETE(100),
  /** Base of the HTTP failure codes: {@code 2000 + status}. */
  OMAHA_REQUEST_HTTP_RESPONSE_BASE(2000);

  /** The number update_engine uses for this code. */
  public final int code;

  ErrorCode(int code) {
    this.code = code;
  }

  /**
   * The code for an update check that failed with an HTTP status: {@code 2000 + status}, a status
   * outside 0..999 counting as 999, and no response at all (status 0) as 2000.
   */
  public static int httpCode(int status) {
    return OMAHA_REQUEST_HTTP_RESPONSE_BASE.code + (status < 0 || status > 999 ? 999 : status);
  }

  /** Whether this is one of the codes of the extensions of an update. */
  public boolean isExtension() {
    return code >= 60 && code <= 66;
  }

  /** The enum constant for a number, if it is one of update_engine's codes. */
  public static java.util.Optional<ErrorCode> of(int code) {
    for (ErrorCode c : values()) {
      if (c.code == code) {
        return java.util.Optional.of(c);
      }
    }
    return java.util.Optional.empty();
  }

  /** The engine's code for what a payload failed with: the same number. */
  public static ErrorCode of(dev.turnout.payload.ErrorCode payload) {
    return of(payload.code).orElseThrow(() -> new IllegalStateException(
        "payload code " + payload + " has no engine code"));
  }
}
