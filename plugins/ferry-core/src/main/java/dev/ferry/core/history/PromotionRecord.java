package dev.ferry.core.history;

import java.time.Instant;
import java.util.Map;

/**
 * One promotion or rollback, read back from a commit's trailers.
 *
 * @param id the promotion id ({@code Ferry-Promotion-Id})
 * @param kind {@code promote} or {@code rollback}
 * @param environment {@code Ferry-Environment}
 * @param images service → image, from the paired {@code Ferry-Service} and {@code Ferry-Image} trailers
 * @param commit the commit id
 * @param parent its first parent, or null
 * @param time the commit time
 * @param promotedBy {@code Ferry-Promoted-By}
 * @param approvedBy {@code Ferry-Approved-By}, or null
 * @param source {@code Ferry-Source}, the CI build URL, or null
 * @param subject the commit subject
 * @param sourceCommit {@code Ferry-Source-Commit}, the application commit the image was built from, or null
 * @param sourceTime {@code Ferry-Source-Time}, that commit's time, or null; lead time starts there
 */
public record PromotionRecord(
    String id,
    String kind,
    String environment,
    Map<String, String> images,
    String commit,
    String parent,
    Instant time,
    String promotedBy,
    String approvedBy,
    String source,
    String subject,
    String sourceCommit,
    Instant sourceTime) {

  public static final String PROMOTE = "promote";
  public static final String ROLLBACK = "rollback";
}
