package dev.ferry.core.promote;

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
 */
public record RollbackResult(String id, String environment, String service, String blocked, String restored,
    String commit, boolean noop, String reason) {
}
