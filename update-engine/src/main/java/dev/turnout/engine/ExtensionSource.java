package dev.turnout.engine;

import java.util.List;

/**
 * Where one extension's payload for the new version comes from, and what the server said of it.
 * The same update response first (its package, at each codebase, with its size and hashes); then
 * {@code EXTENSIONS_BASE_URL} ({@code {BOARD}} and {@code {VERSION}} filled in); then Flatcar's
 * public release server, but only for a machine that asks Flatcar's public update server. A
 * self-hosted or air-gapped fleet is never sent to another host behind its back.
 *
 * @param urls tried in turn, as the OS payload's codebases
 * @param size the announced size, or -1 when the source does not say
 * @param sha256 the announced SHA-256, or null
 * @param sha1 the announced base64 SHA-1, or empty
 * @param origin where the URLs came from, for logs
 */
record ExtensionSource(List<String> urls, long size, byte[] sha256, String sha1,
    String origin) {
  /** Flatcar's release server: {@code <base>/<board>/<version>/<file>}. */
  static final String PUBLIC_RELEASES = "https://update.release.flatcar-linux.net/";

  public ExtensionSource {
    urls = List.copyOf(urls);
  }

  /**
   * Finds {@code e}'s payload for the version {@code response} offers.
   *
   * @param baseUrl {@code EXTENSIONS_BASE_URL}, empty when unset
   * @throws UpdateException {@link ErrorCode#EXTENSION_NO_SOURCE}, naming the extension
   */
  public static ExtensionSource locate(Extension e, OmahaResponse response, OmahaParams params,
      String baseUrl) throws UpdateException {
    for (String name : List.of(e.packageName(), e.devPackageName())) {
      for (OmahaResponse.Package p : response.extraPackages()) {
        if (p.name().equals(name)) {
          return new ExtensionSource(p.urls(), p.size() > 0 ? p.size() : -1, p.sha256(),
              p.sha1() == null ? "" : p.sha1(), "the update response");
        }
      }
    }
    String board = params.board().isEmpty() ? "amd64-usr" : params.board();
    if (!baseUrl.isEmpty()) {
      String base = baseUrl.replace("{BOARD}", board).replace("{VERSION}", response.version());
      if (!OmahaParams.checksAllowed(base)) {
        throw new UpdateException(ErrorCode.EXTENSION_NO_SOURCE, e.packageName() + " is not in"
            + " the update response, and EXTENSIONS_BASE_URL=" + Redacted.url(baseUrl)
            + " is not an http or https URL", null);
      }
      return new ExtensionSource(List.of(join(base, e.packageName())), -1, null, "",
          "EXTENSIONS_BASE_URL");
    }
    if (!params.nonDefaultServer()) {
      return new ExtensionSource(List.of(PUBLIC_RELEASES + board + "/" + response.version() + "/"
          + e.packageName()), -1, null, "", "Flatcar's release server");
    }
    throw new UpdateException(ErrorCode.EXTENSION_NO_SOURCE, e.packageName() + " is not in the"
        + " update response from " + Redacted.url(params.server()) + " and EXTENSIONS_BASE_URL is"
        + " not set; a self-hosted update server is not left for another host: serve the"
        + " extension with the update, or set EXTENSIONS_BASE_URL", null);
  }

  private static String join(String base, String name) {
    return base.endsWith("/") ? base + name : base + "/" + name;
  }
}
