package dev.ferry.core.promote;

import dev.ferry.core.image.ImageRef;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a user asks to promote: images of one or several services into one environment, which go
 * in as one commit.
 *
 * <pre>{@code
 * PromotionRequest.to("staging").image("web", ImageRef.parse("registry.example.com/shop/web:1.4.2"))
 *     .approvedBy("alice").approvalSource("jenkins-input").source(System.getenv("BUILD_URL"));
 * }</pre>
 */
public record PromotionRequest(
    String environment,
    Map<String, ImageRef> images,
    boolean resolveDigests,
    boolean pullRequest,
    String message,
    String approvedBy,
    String source,
    String promotedBy,
    SourceCommit sourceCommit,
    String approvalSource) {

  /**
   * The application commit an image was built from, for lead time: {@code Ferry-Source-Commit} and
   * {@code Ferry-Source-Time}.
   *
   * @param sha the commit id
   * @param time its commit time, or null when unknown
   */
  public record SourceCommit(String sha, java.time.Instant time) {
  }

  public PromotionRequest {
    images = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(images));
  }

  public PromotionRequest(String environment, Map<String, ImageRef> images, boolean resolveDigests, boolean pullRequest,
      String message, String approvedBy, String source, String promotedBy) {
    this(environment, images, resolveDigests, pullRequest, message, approvedBy, source, promotedBy, null, null);
  }

  public static PromotionRequest to(String environment) {
    return new PromotionRequest(environment, Map.of(), true, false, null, null, null, null, null, null);
  }

  public PromotionRequest sourceCommit(SourceCommit value) {
    return new PromotionRequest(environment, images, resolveDigests, pullRequest, message, approvedBy, source, promotedBy, value, approvalSource);
  }

  public PromotionRequest image(String service, ImageRef image) {
    Map<String, ImageRef> all = new LinkedHashMap<>(images);
    all.put(service, image);
    return new PromotionRequest(environment, all, resolveDigests, pullRequest, message, approvedBy, source, promotedBy, sourceCommit, approvalSource);
  }

  public PromotionRequest resolveDigests(boolean value) {
    return new PromotionRequest(environment, images, value, pullRequest, message, approvedBy, source, promotedBy, sourceCommit, approvalSource);
  }

  public PromotionRequest pullRequest(boolean value) {
    return new PromotionRequest(environment, images, resolveDigests, value, message, approvedBy, source, promotedBy, sourceCommit, approvalSource);
  }

  public PromotionRequest message(String value) {
    return new PromotionRequest(environment, images, resolveDigests, pullRequest, value, approvedBy, source, promotedBy, sourceCommit, approvalSource);
  }

  public PromotionRequest approvedBy(String value) {
    return new PromotionRequest(environment, images, resolveDigests, pullRequest, message, value, source, promotedBy, sourceCommit, approvalSource);
  }

  public PromotionRequest source(String value) {
    return new PromotionRequest(environment, images, resolveDigests, pullRequest, message, approvedBy, value, promotedBy, sourceCommit, approvalSource);
  }

  /**
   * How the approval was given ({@code jenkins-input}, {@code github-environment}, ...): recorded as
   * {@code Ferry-Approval-Source} and checked against the environment's {@code approval.via}.
   */
  public PromotionRequest approvalSource(String value) {
    return new PromotionRequest(environment, images, resolveDigests, pullRequest, message, approvedBy, source, promotedBy, sourceCommit, value);
  }

  public PromotionRequest promotedBy(String value) {
    return new PromotionRequest(environment, images, resolveDigests, pullRequest, message, approvedBy, source, value, sourceCommit, approvalSource);
  }
}
