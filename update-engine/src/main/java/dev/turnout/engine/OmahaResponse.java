package dev.turnout.engine;

import java.util.List;
import java.util.OptionalInt;

/**
 * A parsed update-check response.
 *
 * @param updateAvailable false for {@code status="noupdate"}; then only {@code pollInterval} and
 *     {@code rawXml} are meaningful
 * @param version the new version ({@code manifest@version})
 * @param payloadUrls each codebase joined with the first package's name
 * @param sha256 the postinstall action's base64 SHA-256 of the whole payload, as a string
 * @param extraPackages the packages after the first (extensions, OEM sysexts), kept for postinstall
 * @param rawXml the body as received, for the {@code full-response} pref
 */
public record OmahaResponse(boolean updateAvailable, String version, List<String> payloadUrls,
    String packageName, long size, String sha256, String sha1, boolean disablePayloadBackoff,
    int maxFailureCountPerUrl, boolean isDeltaPayload, OptionalInt pollInterval,
    List<Package> extraPackages, String rawXml) {

  /** update_engine's default for {@code MaxFailureCountPerUrl}. */
  public static final int DEFAULT_MAX_FAILURE_COUNT_PER_URL = 10;

  public OmahaResponse {
    payloadUrls = List.copyOf(payloadUrls);
    extraPackages = List.copyOf(extraPackages);
  }

  /**
   * An extra package.
   *
   * @param sha256 raw 32 bytes, decoded from hex (Flatcar tooling) or base64 (go-omaha); null if
   *     absent or undecodable
   * @param sha1 base64 SHA-1 ({@code hash}), empty if absent
   * @param urls each codebase of the response joined with the name, in the response's order
   */
  public record Package(String name, long size, String sha1, byte[] sha256, boolean required,
      List<String> urls) {
    public Package {
      urls = List.copyOf(urls);
    }
  }

  static OmahaResponse noUpdate(OptionalInt pollInterval, String raw) {
    return new OmahaResponse(false, "", List.of(), "", 0, "", "", false,
        DEFAULT_MAX_FAILURE_COUNT_PER_URL, false, pollInterval, List.of(), raw);
  }
}
