package dev.turnout.engine;

import java.io.IOException;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Once the new version is the next boot: the images of other versions go, the booted version's,
 * the new version's, {@code oem-<ID>-initial.raw} and whatever the running system links stay.
 * Best effort: an image that cannot be removed now is removed after the next update.
 */
final class PruneExtensions implements Stage {
  private static final Logger LOG = LoggerFactory.getLogger(PruneExtensions.class);

  private final ExtensionStore store;

  public PruneExtensions(ExtensionStore store) {
    this.store = store;
  }

  @Override
  public String describe(InstallPlan plan) {
    return "removing the extension images of older versions";
  }

  @Override
  public InstallPlan run(InstallPlan plan, StageSink sink) throws UpdateException {
    try {
      for (Path p : store.prune(plan.params().version(), plan.response().version())) {
        LOG.info("removed the old extension image {}", p);
      }
    } catch (IOException e) {
      LOG.warn("cannot remove old extension images: {}", e.getMessage());
    }
    return plan;
  }
}
