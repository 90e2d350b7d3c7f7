package dev.turnout.engine;

import java.util.Objects;

/**
 * Everything an Omaha request says about this machine ({@code omaha_request_params.cc}), read
 * afresh before every check so edits to update.conf take effect without a restart.
 *
 * @param server the Omaha URL ({@code SERVER}); "disabled" or an invalid URL disables checks
 * @param group the channel ({@code GROUP}), sent as {@code track}
 * @param arch {@code uname -m}, for {@code sp}
 * @param extraCaBundle a PEM file of extra CA certificates trusted for the server and downloads
 *     ({@code SERVER_CA_BUNDLE}, a Turnout addition for private Nebraska servers); may be null
 */
public record OmahaParams(String server, String group, String version, String board, String appId,
    String machineAlias, String oem, String oemVersion, String machineId, String bootId,
    String alephVersion, String arch, String downloadUser, String downloadPassword,
    String extraCaBundle) {

  /** update_engine's {@code kProductionOmahaUrl}. */
  public static final String DEFAULT_SERVER = "https://public.update.flatcar-linux.net/v1/update/";
  public static final String DEFAULT_GROUP = "stable";
  public static final String DEFAULT_APPID = "{e96281a6-d1af-4bde-9a0a-97b76e56dc57}";

  public OmahaParams {
    Objects.requireNonNull(server);
    Objects.requireNonNull(group);
  }

  /** False when {@code SERVER} is "disabled" or not an http(s) URL: no checks, boot marking stays. */
  public boolean checksEnabled() {
    return checksAllowed(server);
  }

  /** Whether update checks can go to {@code server}: an http or https URL with a host. */
  public static boolean checksAllowed(String server) {
    if ("disabled".equals(server)) {
      return false;
    }
    try {
      java.net.URI u = new java.net.URI(server);
      return ("http".equals(u.getScheme()) || "https".equals(u.getScheme())) && u.getHost() != null;
    } catch (java.net.URISyntaxException e) {
      return false;
    }
  }

  /** Whether {@code SERVER} is not exactly Flatcar's public server (error code flag 1&lt;&lt;28). */
  public boolean nonDefaultServer() {
    return !DEFAULT_SERVER.equals(server);
  }

  /** {@code sp}: the version and machine architecture. */
  public String servicePack() {
    return version + "_" + arch;
  }

  public OmahaParams withAlephVersion(String aleph) {
    return new OmahaParams(server, group, version, board, appId, machineAlias, oem, oemVersion,
        machineId, bootId, aleph, arch, downloadUser, downloadPassword,
        extraCaBundle);
  }
}
