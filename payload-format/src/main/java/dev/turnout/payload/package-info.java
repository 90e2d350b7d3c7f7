/**
 * The CrAU update payload (major version 1), as Flatcar's release tooling writes it and its
 * update_engine reads it: the header, the {@code DeltaArchiveManifest} protobuf, the operation blobs
 * and the {@code Signatures} blob.
 *
 * <p>This package will hold the streaming push parser fed by the download, the operation executor that
 * writes REPLACE and REPLACE_BZ operations into the target partition, the signature and hash checks,
 * the resumable checkpoint, and the generator and signer behind the {@code payload} command. It uses
 * nothing else of Turnout's; {@code update-engine} uses it.
 */
package dev.turnout.payload;
