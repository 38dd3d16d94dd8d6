package dev.ferry.core.git;

import java.util.Map;

/**
 * A ref beside the branch whose tree Ferry rewrites in the same atomic push as the branch and its
 * notes: Ferry's state index. {@link #changes} runs once the new branch commit and notes commit
 * are in the mirror, and again on the new tips when the push lost a race, so it must depend only
 * on its arguments and on what it reads from the repository.
 *
 * <pre>{@code repo.commit(changeSet, author, new StateUpdate(repo, depth, listener));}</pre>
 */
public interface SideRef {

  /** The full ref name, e.g. {@code refs/ferry/state/main}. */
  String ref();

  /**
   * @param sideTip the side ref's commit now, or null when it does not exist yet
   * @param head the branch head once the push lands
   * @param notes the notes commit once the push lands, or null when there are none
   * @return the changes to the side ref's tree (an empty map when nothing changes)
   */
  Map<String, FileChange> changes(String sideTip, String head, String notes);

  /** The message of the side ref's commit that lands with {@code head}. */
  default String message(String head) {
    return "Ferry state at " + head + "\n";
  }
}
