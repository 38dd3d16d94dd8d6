package dev.ferry.core.git;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;

/**
 * Promotions that lost a race and wait under {@code refs/ferry/queue/<branch>/<promotion id>}, each
 * ref at the commit its promoter built: the next promoter to push the branch carries them along
 * (the same changes, author and trailers, on the new head) and deletes their refs in the same
 * atomic push, so that N promoters at once cost about N pushes instead of N squared. A promoter
 * pushes its own commit and deletes its own ref atomically too: whichever push lands first wins,
 * and a promotion never lands twice.
 *
 * <p>Only commits signed by a key {@code git.trust} names are carried: a queue ref is one anyone
 * who can push to the repository can write, and a carrier must not land content that branch
 * protection kept off the branch. Entries older than {@link #MAX_AGE} are never carried (their
 * promoter gave up or died; a promotion must not land long after its pipeline ended): the next
 * promotion's push deletes them ({@link #expired}), so that a cancelled or killed pipeline does not
 * leave its ref in every later fetch.
 *
 * <pre>{@code
 * for (Entry e : queue.carryable(refs.queued(), ownRef)) { ... writer.carry(ins, tip, e.commit()) ... }
 * }</pre>
 */
final class PromotionQueue {

  /** How old a queued commit may be and still be carried. */
  static final Duration MAX_AGE = Duration.ofMinutes(5);
  /** The trailer that names a promotion, and so its queue ref. */
  static final String ID_TRAILER = "Ferry-Promotion-Id";
  /** How many queued promotions one push carries at most. */
  static final int MAX_CARRIED = 4;
  /** How many expired entries one push deletes at most, so that a push stays small. */
  static final int MAX_SWEPT = 16;

  private final Repository repo;
  private final String prefix;
  private final Predicate<RevCommit> trusted;
  private final Clock clock;

  /** @param trusted whether a queued commit carries a signature {@code git.trust} accepts */
  PromotionQueue(Repository repo, String branch, Predicate<RevCommit> trusted, Clock clock) {
    this.repo = repo;
    this.prefix = prefix(branch);
    this.trusted = trusted;
    this.clock = clock;
  }

  /** {@code refs/ferry/queue/<branch>/}: where the queue of {@code branch} lives. */
  static String prefix(String branch) {
    return "refs/ferry/queue/" + branch + "/";
  }

  /** The queue ref of the promotion {@code id}. */
  String ref(String id) {
    return prefix + id;
  }

  /** A queued promotion: its ref and the commit its promoter built. */
  record Entry(String ref, RevCommit commit) {
  }

  /**
   * The entries of {@code queued} (ref to commit, as the server advertised them) that may be carried
   * now, oldest first: not {@code own}, in the mirror with its parent, young enough, trusted; at most {@link
   * #MAX_CARRIED}.
   */
  List<Entry> carryable(Map<String, ObjectId> queued, String own) throws IOException {
    Instant oldest = clock.instant().minus(MAX_AGE);
    // a thin mirror without the head a commit was built on cannot read its changes
    return oldestFirst(queued, own, MAX_CARRIED, c -> c.getParentCount() == 1
        && repo.getObjectDatabase().has(c.getParent(0)) && !made(c).isBefore(oldest) && trusted.test(c));
  }

  /**
   * The entries of {@code queued} older than {@link #MAX_AGE} by their committer time, oldest first,
   * at most {@link #MAX_SWEPT}: nobody carries them and their promoter is gone (a live one waits
   * for a carrier for seconds, not minutes), so a push may delete them. Whoever wrote them, signed
   * or not: age alone decides. An entry whose commit is not in the mirror is left alone.
   */
  List<Entry> expired(Map<String, ObjectId> queued, String own) throws IOException {
    Instant oldest = clock.instant().minus(MAX_AGE);
    return oldestFirst(queued, own, MAX_SWEPT, c -> made(c).isBefore(oldest));
  }

  private interface Check {
    boolean test(RevCommit c) throws IOException;
  }

  /** The entries but {@code own} whose commit is in the mirror and passes {@code test}, oldest first, at most {@code max}. */
  private List<Entry> oldestFirst(Map<String, ObjectId> queued, String own, int max, Check test) throws IOException {
    List<Entry> out = new ArrayList<>();
    try (RevWalk rw = new RevWalk(repo)) {
      for (Map.Entry<String, ObjectId> e : queued.entrySet()) {
        if (e.getKey().equals(own) || !repo.getObjectDatabase().has(e.getValue())) {
          continue;
        }
        RevCommit c = rw.parseCommit(e.getValue());
        if (test.test(c)) {
          out.add(new Entry(e.getKey(), c));
        }
      }
    }
    out.sort(Comparator.comparing((Entry e) -> e.commit().getCommitTime()).thenComparing(Entry::ref));
    return out.size() > max ? out.subList(0, max) : out;
  }

  private static Instant made(RevCommit c) {
    return c.getCommitterIdent().getWhenAsInstant();
  }

  /**
   * The commit on the branch after {@code queued}'s parent, from {@code head} back along first
   * parents (at most {@code scan}), whose message carries {@code Ferry-Promotion-Id: id}: where a
   * carrier landed that queued promotion; null when there is none.
   */
  ObjectId landedAs(ObjectId head, ObjectId queued, String id, int scan) throws IOException {
    String trailer = "\n" + ID_TRAILER + ": " + id + "\n";
    try (RevWalk rw = new RevWalk(repo)) {
      RevCommit q = rw.parseCommit(queued);
      ObjectId since = q.getParentCount() == 0 ? null : q.getParent(0);
      RevCommit c = rw.parseCommit(head);
      for (int i = 0; i < scan && !c.equals(since); i++) {
        if (c.getFullMessage().contains(trailer)) {
          return c.copy();
        }
        if (c.getParentCount() == 0 || !repo.getObjectDatabase().has(c.getParent(0))) {
          return null;
        }
        c = rw.parseCommit(c.getParent(0));
      }
    }
    return null;
  }
}
