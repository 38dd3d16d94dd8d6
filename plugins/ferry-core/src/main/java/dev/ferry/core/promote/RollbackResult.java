package dev.ferry.core.promote;

import java.util.List;

/**
 * A rollback that was written.
 *
 * @param id the rollback's id
 * @param environment where
 * @param service which service
 * @param blocked the image taken out and blocked there
 * @param restored the image put back
 * @param commit the rollback commit (it carries the block record in its note)
 * @param noop true when the previous image was already in place
 * @param reason why
 * @param rolloutsAborted the Argo Rollouts Rollouts aborted (named by the environment's rollout gates)
 * @param rolloutAbortFailures why a Rollout that should have been aborted was not; the rollback
 *     itself stands (git is what rolls back), the canary runs on until Argo CD syncs the revert
 */
public record RollbackResult(String id, String environment, String service, String blocked, String restored,
    String commit, boolean noop, String reason, List<String> rolloutsAborted, List<String> rolloutAbortFailures) {
}
