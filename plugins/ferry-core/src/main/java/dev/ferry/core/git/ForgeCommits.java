package dev.ferry.core.git;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Creates a branch commit through a forge's API instead of pushing one ({@code git.signing:
 * {format: github}}): the forge signs the commits it creates itself, so it shows them as verified
 * under branch protection's "require signed commits". A compare-and-swap like a push: the commit
 * lands only when the branch is still at {@link Request#expectedHead()}.
 *
 * <pre>{@code
 * Optional<String> oid = commits.create(new ForgeCommits.Request("main", head, Map.of(path, bytes),
 *     List.of(), "Promote web 1.4.2 to dev", "Ferry-Service: web\n"));
 * if (oid.isEmpty()) { ... the branch moved: fetch, apply again ... }
 * }</pre>
 */
public interface ForgeCommits {

  /**
   * One commit to create.
   *
   * @param branch the branch name, without {@code refs/heads/}
   * @param expectedHead the commit the branch must be at; the new commit's parent
   * @param additions the files the commit adds or changes: path to content
   * @param deletions the paths the commit removes
   * @param headline the first line of the message
   * @param body the rest of the message (Ferry's trailers end it), or ""
   */
  record Request(String branch, String expectedHead, Map<String, byte[]> additions, List<String> deletions,
      String headline, String body) {
    public Request {
      additions = Map.copyOf(additions);
      deletions = List.copyOf(deletions);
    }
  }

  /**
   * Creates the commit.
   *
   * @return the new commit's id, or empty when the branch was not at the expected head (a lost race)
   * @throws dev.ferry.core.InputException when the forge refuses the credentials (exit 2)
   * @throws dev.ferry.core.ExternalException when the forge does not answer or fails (exit 3)
   * @throws dev.ferry.core.RefusedException when the forge refuses the commit on its merits (exit 1)
   */
  Optional<String> create(Request request);

  /** Where commits are created, for messages: the API and repository, never a credential. */
  String describe();
}
