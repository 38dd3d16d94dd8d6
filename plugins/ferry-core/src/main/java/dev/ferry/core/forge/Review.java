package dev.ferry.core.forge;

import java.time.Instant;

/**
 * A review as the forge's API reports it (never read from the pull request's text).
 *
 * @param author the reviewer's user name on the forge
 * @param approved true for an approval
 * @param at when it was given, or null when the forge does not say
 * @param commit the head commit it was given on, or null when the forge does not say
 */
public record Review(String author, boolean approved, Instant at, String commit) {

  /**
   * Whether it still counts after the last push: given on {@code headCommit}, or, where the forge
   * records no commit, after {@code lastPush}. A review of an older push is stale, as branch
   * protection's "dismiss stale reviews" has it.
   */
  public boolean freshFor(String headCommit, Instant lastPush) {
    if (commit != null && headCommit != null) {
      return commit.equals(headCommit);
    }
    return at != null && lastPush != null && !at.isBefore(lastPush);
  }
}
