package dev.ferry.core.history;

import dev.ferry.core.InputException;
import dev.ferry.core.git.CommitInfo;
import dev.ferry.core.git.UntrustedRecord;
import dev.ferry.core.image.ImageRef;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The record of an environment repository: promotions from commit trailers (a merge commit
 * without its own, from the commit it merged in: a pull request merged with a merge commit; a
 * squash carries them in its message), verifications and
 * blocks from the notes. Git is the only state; this is a view, and the one type through which
 * policy, status, verification and every front end (dashboard, metrics, forge) ask about state:
 * {@link #lastChange}, {@link #firstVerified}, {@link #lastVerification}, {@link #activeBlock},
 * {@link #activeBlocks}.
 *
 * <p>Commands read it from the state index ({@code dev.ferry.core.state.StateIndex#history()}):
 * O(services) bytes whatever the length of the history, reconciled with the commits since the
 * index's base. {@link #of(List, List)} reads it from a first-parent log instead, as
 * {@code ferry history} and the index rebuild do: promotions and verifications from a window of
 * recent commits, blocks also from the rollback commits further back.
 *
 * <pre>{@code
 * History history = promoter.historyOf("staging");
 * history.activeBlocks("staging");
 * }</pre>
 */
public final class History {

  private final List<PromotionRecord> promotions = new ArrayList<>();
  private final List<VerificationRecord> verifications = new ArrayList<>();
  private final List<BlockEntry> blocks = new ArrayList<>();
  private final List<String> unreadableNotes = new ArrayList<>();
  private final List<UntrustedRecord> untrusted = new ArrayList<>();

  /** A block together with the commit whose note holds it (where a release is recorded). */
  public record BlockEntry(String commit, BlockRecord block) {
  }

  private History(List<PromotionRecord> promotions, List<VerificationRecord> verifications, List<BlockEntry> blocks) {
    this.promotions.addAll(promotions);
    this.verifications.addAll(verifications);
    this.blocks.addAll(blocks);
    this.verifications.sort((a, b) -> b.at().compareTo(a.at()));
  }

  /**
   * A history from records already read (the state index): promotions newest first, verifications
   * in any order, blocks with the commit whose note holds each.
   */
  public static History fromRecords(List<PromotionRecord> promotions, List<VerificationRecord> verifications,
      List<BlockEntry> blocks) {
    return new History(promotions, verifications, blocks);
  }

  /** {@link #fromRecords(List, List, List)}, with the records that did not count ({@code git.trust}). */
  public static History fromRecords(List<PromotionRecord> promotions, List<VerificationRecord> verifications,
      List<BlockEntry> blocks, List<UntrustedRecord> untrusted) {
    History h = new History(promotions, verifications, blocks);
    h.untrusted.addAll(untrusted);
    return h;
  }

  private History(List<CommitInfo> recent, List<CommitInfo> older) {
    for (CommitInfo c : recent) {
      promotionOf(c).ifPresent(promotions::add);
      evidenceOf(c).ifPresent(evidence -> {
        verifications.addAll(evidence.verifications());
        evidence.blocks().forEach(b -> blocks.add(new BlockEntry(c.id(), b)));
      });
    }
    for (CommitInfo c : older) {
      evidenceOf(c).ifPresent(evidence -> evidence.blocks().forEach(b -> blocks.add(new BlockEntry(c.id(), b))));
    }
    verifications.sort((a, b) -> b.at().compareTo(a.at()));
  }

  private Optional<Evidence> evidenceOf(CommitInfo c) {
    try {
      return Optional.of(Evidence.parse(c.note()));
    } catch (InputException notOurs) {
      // a note someone wrote by hand is not evidence; it must not stop status or a rollback
      unreadableNotes.add(c.id());
      return Optional.empty();
    }
  }

  /** Reads history from a first-parent log, newest first. */
  public static History of(List<CommitInfo> log) {
    return new History(log, List.of());
  }

  /**
   * Reads history from the recent first-parent log and, for blocks only, the older commits that
   * {@link #mayHoldBlocks} picked, both newest first.
   */
  public static History of(List<CommitInfo> recent, List<CommitInfo> older) {
    return new History(recent, older);
  }

  /**
   * Like {@link #of(List, List)}, with the commits that looked like records but were not signed by a
   * trusted key ({@code git.trust}); they were left out of {@code recent} and {@code older} already.
   */
  public static History of(List<CommitInfo> recent, List<CommitInfo> older, List<UntrustedRecord> untrusted) {
    History h = new History(recent, older);
    h.untrusted.addAll(untrusted);
    return h;
  }

  /** Commits with Ferry's trailers or notes that did not count: not signed by a trusted key. */
  public List<UntrustedRecord> untrusted() {
    return List.copyOf(untrusted);
  }

  /** Whether a commit message is a rollback's, whose note holds a block: a cheap test of the raw text. */
  public static boolean mayHoldBlocks(String message) {
    return message.contains(Trailers.KIND + ": " + PromotionRecord.ROLLBACK);
  }

  /** The promotion or rollback a commit records in its trailers, if any. */
  public static Optional<PromotionRecord> promotionOf(CommitInfo merge) {
    // a pull request merged with a merge commit: the promotion is its second parent, recorded at
    // the merge (where it landed on the branch; its first parent is what came before)
    CommitInfo c = merge.trailer(Trailers.ENVIRONMENT).isEmpty() && !merge.mergedTrailers().isEmpty()
        ? new CommitInfo(merge.id(), merge.parent(), merge.time(), merge.authorName(), merge.subject(), merge.message(),
            merge.mergedTrailers(), merge.note())
        : merge;
    Optional<String> env = c.trailer(Trailers.ENVIRONMENT);
    if (env.isEmpty()) {
      return Optional.empty();
    }
    List<String> services = c.trailers(Trailers.SERVICE);
    List<String> images = c.trailers(Trailers.IMAGE);
    Map<String, String> pairs = new LinkedHashMap<>();
    for (int i = 0; i < services.size() && i < images.size(); i++) {
      pairs.put(services.get(i), images.get(i));
    }
    return Optional.of(new PromotionRecord(
        c.trailer(Trailers.PROMOTION_ID).orElse(c.id().substring(0, 12)),
        c.trailer(Trailers.KIND).orElse(PromotionRecord.PROMOTE),
        env.get(),
        pairs,
        c.id(),
        c.parent(),
        c.time(),
        c.trailer(Trailers.PROMOTED_BY).orElse(c.authorName()),
        c.trailer(Trailers.APPROVED_BY).orElse(null),
        c.trailer(Trailers.SOURCE).orElse(null),
        c.subject(),
        c.trailer(Trailers.SOURCE_COMMIT).orElse(null),
        c.trailer(Trailers.SOURCE_TIME).flatMap(History::instant).orElse(null)));
  }

  private static Optional<Instant> instant(String text) {
    try {
      return Optional.of(java.time.OffsetDateTime.parse(text).toInstant());
    } catch (java.time.format.DateTimeParseException notATime) {
      // a trailer written by hand is no reason to fail a status or a rollback; lead time skips it
      return Optional.empty();
    }
  }

  /** Commits whose {@code refs/notes/ferry} note is not Ferry's JSON; their notes are ignored. */
  public List<String> unreadableNotes() {
    return List.copyOf(unreadableNotes);
  }

  /** Promotions and rollbacks, newest first. */
  public List<PromotionRecord> promotions() {
    return List.copyOf(promotions);
  }

  /** The newest promotion or rollback that wrote {@code service} into {@code environment}. */
  public Optional<PromotionRecord> lastChange(String environment, String service) {
    return promotions.stream()
        .filter(p -> p.environment().equals(environment) && p.images().containsKey(service))
        .findFirst();
  }

  /** Verifications in an environment, newest first. */
  public List<VerificationRecord> verifications(String environment) {
    return verifications.stream().filter(v -> v.environment().equals(environment)).toList();
  }

  /**
   * When {@code image} of {@code service} first passed verification in {@code environment}, if it
   * ever did. {@code after:} and {@code soak:} read this.
   */
  public Optional<Instant> firstVerified(String environment, String service, ImageRef image) {
    return verifications.stream()
        .filter(v -> v.passed() && v.environment().equals(environment))
        .filter(v -> {
          String seen = v.images().get(service);
          return seen != null && ImageRef.parse(seen).sameVersion(image);
        })
        .map(VerificationRecord::at)
        .min(Instant::compareTo);
  }

  /** The latest verification result of {@code image} in an environment, if any. */
  public Optional<VerificationRecord> lastVerification(String environment, String service, ImageRef image) {
    return verifications.stream()
        .filter(v -> v.environment().equals(environment))
        .filter(v -> {
          String seen = v.images().get(service);
          return seen != null && ImageRef.parse(seen).sameVersion(image);
        })
        .findFirst();
  }

  /** Blocks that still hold in an environment. */
  public List<BlockEntry> activeBlocks(String environment) {
    return blocks.stream()
        .filter(b -> b.block().active() && b.block().environment().equals(environment))
        .toList();
  }

  /** The active block of {@code image} of {@code service} in an environment, if any. */
  public Optional<BlockEntry> activeBlock(String environment, String service, ImageRef image) {
    return activeBlocks(environment).stream()
        .filter(b -> b.block().matches(environment, service, image.toString()))
        .findFirst();
  }
}
