package dev.ferry.core.git;

import java.time.Instant;

/**
 * A commit that looks like one of Ferry's records (it carries {@code Ferry-} trailers, or it is a
 * commit of {@code refs/notes/ferry}) but is not signed by a key {@code git.trust} names. It never
 * counts as a promotion, verification, block or approval; {@code ferry status} lists it.
 *
 * <pre>{@code log.untrusted().forEach(u -> System.out.println(u.commit() + " by " + u.author() + ": " + u.reason()));}</pre>
 *
 * @param commit the commit id
 * @param ref the branch or notes ref it was read from
 * @param author the author's name and e-mail, as the commit claims them
 * @param time the commit time
 * @param subject the first line of its message
 * @param reason why it is not trusted ("unsigned", "signed by a key not in the keyring", ...)
 */
public record UntrustedRecord(String commit, String ref, String author, Instant time, String subject, String reason) {
}
