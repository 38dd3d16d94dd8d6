package dev.ferry.core.git;

import java.util.List;

/**
 * What a push did.
 *
 * <pre>{@code
 * PushResult r = repo.commit(changes, author);
 * listener.on(FerryEvent.info("git", r.noop() ? "already in place" : "pushed " + r.commit()));
 * }</pre>
 *
 * @param commit the commit now at the branch (the new one, or the head when nothing changed)
 * @param previousHead the head the commit was built on
 * @param noop true when the changes were already in place: nothing was pushed
 * @param attempts how many times Ferry built and pushed (1 without races)
 * @param changedPaths the paths whose content changed
 */
public record PushResult(String commit, String previousHead, boolean noop, int attempts,
    List<String> changedPaths) {

  public PushResult {
    changedPaths = List.copyOf(changedPaths);
  }
}
