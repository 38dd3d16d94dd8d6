package dev.ferry.core.git;

import org.eclipse.jgit.lib.ObjectId;

/**
 * One ref update of a compare-and-swap push.
 *
 * @param ref the full ref name, e.g. {@code refs/heads/main}
 * @param newId what it should point to; null deletes the ref
 * @param expected where it must be now for the update to land; null when it must not exist
 * @param force whether a non-fast-forward update is allowed (still compared with {@code expected})
 */
record RefChange(String ref, ObjectId newId, ObjectId expected, boolean force) {
}
