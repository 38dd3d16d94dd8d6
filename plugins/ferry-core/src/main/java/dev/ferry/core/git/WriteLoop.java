package dev.ferry.core.git;

import dev.ferry.core.ExternalException;
import dev.ferry.core.FerryEvent;
import dev.ferry.core.FerryListener;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevWalk;

/**
 * Build, push, and on a lost race fetch and build again on the new tips: the compare-and-swap
 * loop behind every write. Each attempt runs under the cache lock, so promoters sharing a cache
 * take turns instead of racing each other. Changes when the retry strategy changes.
 *
 * <pre>{@code PushResult r = loop.writeBranch("main", changeSet, author, false);}</pre>
 */
final class WriteLoop {

  private static final String TOPIC = "git";

  /** How one attempt ended: landed (or nothing to do), or to be tried again. */
  private sealed interface Attempt {
  }

  private record Landed(PushResult result) implements Attempt {
  }

  private record Again(PushVerdict verdict) implements Attempt {
  }

  private final Repository repo;
  private final MirrorCache cache;
  private final RemoteRefs refs;
  private final AtomicPush pusher;
  private final CommitWriter writer;
  private final RetryPolicy policy;
  private final FerryListener listener;
  private final String shownUrl;
  private final String branch;
  /** Creates branch commits through the forge's API ({@code git.signing: {format: github}}), or null: push them. */
  private ForgeCommits forgeCommits;
  /** Where promotions that lost a race wait to be carried, or null: each retries alone. */
  private PromotionQueue queue;

  /**
   * A promotion's place in the queue: its ref (null when it may not queue: no promotion id, a note
   * to write, a pull request) and the commit queued there, once it is.
   */
  private static final class Place {
    final String id;
    final String ref;
    ObjectId queued;
    /** When it was queued ({@link System#nanoTime()}), and the head its last look saw (null: none yet). */
    long queuedAt;
    ObjectId lastSeen;

    Place(String id, String ref) {
      this.id = id;
      this.ref = ref;
    }
  }

  WriteLoop(Repository repo, MirrorCache cache, RemoteRefs refs, AtomicPush pusher, CommitWriter writer,
      RetryPolicy policy, FerryListener listener, String shownUrl, String branch) {
    this.repo = repo;
    this.cache = cache;
    this.refs = refs;
    this.pusher = pusher;
    this.writer = writer;
    this.policy = policy;
    this.listener = listener;
    this.shownUrl = shownUrl;
    this.branch = branch;
  }

  PushResult writeBranch(String target, ChangeSet changes, PersonIdent author, boolean prMode) {
    return writeBranch(target, changes, author, prMode, null);
  }

  /** Creates the branch's commits through {@code commits} from now on; null: pushes them. */
  void throughForge(ForgeCommits commits) {
    this.forgeCommits = commits;
  }

  /** Queues promotions that lose a race, and carries those queued by others, from now on; null: neither. */
  void carryQueued(PromotionQueue promotionQueue) {
    this.queue = promotionQueue;
    refs.followQueue(promotionQueue != null);
  }

  /** @param side a ref rewritten in the same atomic push (not in pull-request mode), or null */
  PushResult writeBranch(String target, ChangeSet changes, PersonIdent author, boolean prMode, SideRef side) {
    if (forgeCommits != null && !prMode) {
      return writeThroughForge(changes, author, side);
    }
    Place place = place(changes, prMode);
    if (queue != null && !prMode && !refs.queueFetched()) {
      // the first fetch (when the repository was opened) did not read the queue: read it now, and
      // the newest head with it, so that this push carries what waits
      refs.refresh();
    }
    try {
      return untilLanded(target, shownUrl, n -> writeOnce(n, target, changes, author, prMode ? null : side, place));
    } catch (dev.ferry.core.FerryException e) {
      return withdraw(place, changes).orElseThrow(() -> e);
    }
  }

  /**
   * After a write gave up: takes the promotion out of the queue, so that no carrier lands it after
   * its promoter reported a failure. When a carrier was quicker, the promotion landed after all:
   * that result, instead of the failure.
   */
  private Optional<PushResult> withdraw(Place place, ChangeSet changes) {
    if (place.queued == null) {
      return Optional.empty();
    }
    return cache.locked(() -> {
      try {
        PushVerdict v = pusher.push(List.of(new RefChange(place.ref, null, place.queued, true)));
        if (v.done()) {
          place.queued = null;
          return Optional.<PushResult>empty();
        }
      } catch (dev.ferry.core.FerryException e) {
        listener.on(FerryEvent.warn(TOPIC, "could not take " + place.ref + " out of the queue: " + e.getMessage()));
      }
      refs.refresh();
      return carriedByAnother(0, place, changes).map(a -> ((Landed) a).result()); // 0: after the attempts
    });
  }

  private Place place(ChangeSet changes, boolean prMode) {
    if (queue == null || prMode || changes.noteForNewCommit() != null) {
      return new Place(null, null);
    }
    return changes.trailers().stream().filter(t -> t.key().equals(PromotionQueue.ID_TRAILER)).findFirst()
        .map(t -> new Place(t.value(), queue.ref(t.value()))).orElse(new Place(null, null));
  }

  /**
   * Runs {@code once} until it lands or the retry policy gives up. A retry starts from a fresh
   * head, fetched under the same lock hold as the write.
   */
  private PushResult untilLanded(String target, String shown, java.util.function.IntFunction<Attempt> once) {
    Retries retries = new Retries(policy, target, shown, listener);
    boolean first = true;
    // a look of a queued promotion that did not push is no attempt
    for (int attempt = 1; ; ) {
      int n = attempt;
      boolean fetch = !first;
      Attempt outcome = cache.locked(() -> {
        if (fetch) {
          PushVerdict fetched = refs.refresh();
          if (!fetched.done()) {
            return new Again(fetched);
          }
        }
        return once.apply(n);
      });
      first = false;
      if (outcome instanceof Landed landed) {
        return landed.result();
      }
      PushVerdict verdict = ((Again) outcome).verdict();
      retries.failed(attempt, verdict);
      if (verdict.kind() != PushVerdict.Kind.QUEUED) {
        attempt++;
      }
    }
  }

  /**
   * The branch commit created through the forge's API, then its note and the state index pushed by
   * git in a second compare-and-swap push. The API cannot write refs outside {@code refs/heads}, so
   * the two cannot land atomically: the branch goes first (it is what counts; its trailers are the
   * record), and the second step is retried on its own. When it still fails, the state index
   * catches up at the next read (it reconciles from the commits since its base); a note is
   * reported as missing, naming the commit.
   */
  private PushResult writeThroughForge(ChangeSet changes, PersonIdent author, SideRef side) {
    ObjectId[] askedOn = new ObjectId[1];
    PushResult landed = untilLanded(Constants.R_HEADS + branch, forgeCommits.describe(),
        n -> createOnce(n, changes, author, askedOn));
    if (landed.noop()) {
      return landed;
    }
    ObjectId commit = ObjectId.fromString(landed.commit());
    String note = changes.noteForNewCommit();
    try {
      updateNotes(note == null ? Map.of() : Map.of(commit, old -> note), side);
    } catch (dev.ferry.core.FerryException e) {
      if (note != null) {
        throw new ExternalException(GitDiagnosis.abbrev(landed.commit()) + " landed on " + shownUrl + " " + branch
            + " through " + forgeCommits.describe() + ", but its note in " + EnvRepo.NOTES_REF + " did not: "
            + e.getMessage(), "the commit and its trailers are in place; the state index catches up at the next"
            + " command. Look at 'ferry status' before running the command again", e);
      }
      listener.on(FerryEvent.warn(TOPIC, "could not push the state index after " + GitDiagnosis.abbrev(landed.commit())
          + ": " + e.getMessage() + " (the next command reconciles it from the commits)"));
    }
    return landed;
  }

  /** How far back from the head a lost commit is looked for (first parents, down to where it was asked). */
  private static final int LOST_ANSWER_SCAN = 100;

  /**
   * The commit on the branch whose parent is {@code askedOn} and whose message is exactly the one
   * asked for (subject, body, trailers with the promotion id), or null.
   */
  private ObjectId madeOn(ObjectId askedOn, ObjectId head, ChangeSet changes) throws IOException {
    String wanted = changes.message().strip();
    try (RevWalk rw = new RevWalk(repo)) {
      org.eclipse.jgit.revwalk.RevCommit c = rw.parseCommit(head);
      for (int i = 0; i < LOST_ANSWER_SCAN && !c.equals(askedOn) && c.getParentCount() > 0; i++) {
        org.eclipse.jgit.revwalk.RevCommit parent = rw.parseCommit(c.getParent(0));
        if (parent.equals(askedOn) && c.getFullMessage().strip().equals(wanted)) {
          return c.copy();
        }
        c = parent;
      }
    }
    return null;
  }

  private boolean inMirror(ObjectId id) {
    try {
      return repo.getObjectDatabase().has(id);
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * One commit through the forge's API on the head as fetched. {@code askedOn} holds the head the
   * previous attempt asked for a commit on (null before the first): when the forge made that commit
   * but its answer was lost, the retry finds it on the branch and takes it as its own, rather than
   * applying the changes again (a rollback's change would refuse to apply on its own result).
   */
  private Attempt createOnce(int attempt, ChangeSet changes, PersonIdent author, ObjectId[] askedOn) {
    ObjectId base = refs.head();
    try {
      ObjectId ours = askedOn[0] == null ? null : madeOn(askedOn[0], base, changes);
      if (ours != null) {
        listener.on(FerryEvent.info(TOPIC, GitDiagnosis.abbrev(ours.name()) + " on " + shownUrl + " " + branch
            + " is the commit asked for before (its answer was lost)"));
        return new Landed(new PushResult(ours.name(), askedOn[0].name(), false, attempt,
            List.copyOf(changes.changes().keySet())));
      }
    } catch (IOException e) {
      throw new ExternalException("cannot read the history of " + shownUrl + " " + branch + ": " + e.getMessage(), e);
    }
    askedOn[0] = base;
    CommitWriter.Built built;
    Map<String, byte[]> additions = new java.util.LinkedHashMap<>();
    List<String> deletions = new ArrayList<>();
    try (ObjectInserter ins = repo.newObjectInserter()) {
      built = writer.build(ins, base, changes, author);
      ins.flush();
      if (built.commit() == null) {
        listener.on(FerryEvent.info(TOPIC, "already in place on " + shownUrl + " " + branch
            + " at " + GitDiagnosis.abbrev(base.name()) + ": nothing to create"));
        return new Landed(new PushResult(base.name(), base.name(), true, attempt, List.of()));
      }
      try (org.eclipse.jgit.lib.ObjectReader reader = repo.newObjectReader()) {
        for (String path : built.changed()) {
          try (org.eclipse.jgit.treewalk.TreeWalk tw = org.eclipse.jgit.treewalk.TreeWalk.forPath(reader, path, built.tree())) {
            if (tw == null) {
              deletions.add(path);
            } else {
              additions.put(path, reader.open(tw.getObjectId(0)).getBytes());
            }
          }
        }
      }
    } catch (IOException e) {
      throw new ExternalException("cannot build the commit in the cache of " + shownUrl + ": " + e.getMessage(), e);
    }
    String message = changes.message();
    int cut = message.indexOf('\n');
    String headline = message.substring(0, cut);
    String body = message.substring(cut + 1).strip();
    java.util.Optional<String> created = forgeCommits.create(new ForgeCommits.Request(branch, base.name(), additions,
        deletions, headline, body.isEmpty() ? "" : body + "\n"));
    if (created.isEmpty()) {
      listener.on(FerryEvent.progress(TOPIC, branch + " on " + forgeCommits.describe() + " is no longer at "
          + GitDiagnosis.abbrev(base.name()) + ": applying the changes again on the new head"));
      return new Again(PushVerdict.MOVED);
    }
    String id = created.get();
    // the forge made the commit: fetch it, so that its note, the index and later reads see it
    PushVerdict fetched = refs.refresh();
    if (!fetched.done()) {
      throw new ExternalException(GitDiagnosis.abbrev(id) + " landed on " + branch + " through "
          + forgeCommits.describe() + ", but fetching it from " + shownUrl + " failed: " + fetched.problem(),
          "the commit is in place; the next command fetches it and its state index catches up", null);
    }
    if (!ObjectId.isId(id) || !inMirror(ObjectId.fromString(id))) {
      throw new ExternalException(forgeCommits.describe() + " answered commit " + id + " for " + branch
          + ", which " + shownUrl + " does not hold after a fetch", "check that pullRequests names the"
          + " repository that repos.<name>.url points to", null);
    }
    listener.on(FerryEvent.info(TOPIC, "created " + GitDiagnosis.abbrev(id) + " on " + shownUrl + " " + branch
        + " through " + forgeCommits.describe() + (attempt > 1 ? " (attempt " + attempt + ")" : "")));
    return new Landed(new PushResult(id, base.name(), false, attempt, built.changed()));
  }

  void updateNotes(Map<ObjectId, UnaryOperator<String>> byId) {
    updateNotes(byId, null);
  }

  /** @param side a ref rewritten in the same atomic push, or null */
  void updateNotes(Map<ObjectId, UnaryOperator<String>> byId, SideRef side) {
    Retries retries = new Retries(policy, EnvRepo.NOTES_REF, shownUrl, listener);
    for (int attempt = 1; ; attempt++) {
      int n = attempt;
      PushVerdict v = cache.locked(() -> {
        if (n > 1) {
          PushVerdict fetched = refs.refresh();
          if (!fetched.done()) {
            return fetched;
          }
        }
        ObjectId base = refs.notes();
        List<RefChange> updates = new ArrayList<>();
        try (ObjectInserter ins = repo.newObjectInserter()) {
          ObjectId newNotes = writer.buildNotes(ins, base, byId);
          ins.flush();
          if (newNotes != null) {
            updates.add(new RefChange(EnvRepo.NOTES_REF, newNotes, base, false));
          }
          sideChange(ins, side, refs.head(), newNotes != null ? newNotes : base).ifPresent(updates::add);
        }
        return updates.isEmpty() ? PushVerdict.DONE : pusher.push(updates);
      });
      if (v.done()) {
        listener.on(FerryEvent.debug(TOPIC, "notes in " + EnvRepo.NOTES_REF + " on " + shownUrl + " are up to date"));
        return;
      }
      retries.failed(attempt, v);
    }
  }

  /**
   * Brings only the side ref up to date with the branch and notes as fetched (a read that found
   * the index behind): compare-and-swap, retried on a lost race.
   */
  void updateSide(SideRef side) {
    Retries retries = new Retries(policy, side.ref(), shownUrl, listener);
    for (int attempt = 1; ; attempt++) {
      int n = attempt;
      PushVerdict v = cache.locked(() -> {
        if (n > 1) {
          PushVerdict fetched = refs.refresh();
          if (!fetched.done()) {
            return fetched;
          }
        }
        try (ObjectInserter ins = repo.newObjectInserter()) {
          Optional<RefChange> change = sideChange(ins, side, refs.head(), refs.notes());
          return change.isEmpty() ? PushVerdict.DONE : pusher.push(List.of(change.get()));
        }
      });
      if (v.done()) {
        return;
      }
      retries.failed(attempt, v);
    }
  }

  /** The side ref's new commit for {@code head} and {@code notes} (both in the mirror), if it changes. */
  private Optional<RefChange> sideChange(ObjectInserter ins, SideRef side, ObjectId head, ObjectId notes)
      throws IOException {
    if (side == null) {
      return Optional.empty();
    }
    ObjectId tip = refs.tip(side.ref());
    Map<String, FileChange> changes = side.changes(tip == null ? null : tip.name(), head.name(),
        notes == null ? null : notes.name());
    if (changes.isEmpty() && tip != null) {
      return Optional.empty();
    }
    CommitWriter.Built built = writer.buildOn(ins, tip, changes, side.message(head.name()), writer.defaultIdent(), null);
    ins.flush();
    return built.commit() == null ? Optional.empty()
        : Optional.of(new RefChange(side.ref(), built.commit(), tip, false));
  }

  /** One build and push. */
  private Attempt writeOnce(int attempt, String target, ChangeSet changes, PersonIdent author, SideRef side,
      Place place) {
    boolean prMode = !target.equals(branch);
    ObjectId base = refs.head();
    ObjectId notesBase = refs.notes();
    Optional<Attempt> carried = carriedByAnother(attempt, place, changes);
    if (carried.isPresent()) {
      return carried.get();
    }
    if (waitsForACarrier(place, base)) {
      return new Again(PushVerdict.QUEUED);
    }
    List<RefChange> updates = new ArrayList<>();
    CommitWriter.Built built;
    ObjectId tip; // the branch's new head: this commit, and those it carries on top
    try (ObjectInserter ins = repo.newObjectInserter()) {
      built = writer.build(ins, base, changes, author);
      if (built.commit() == null) {
        listener.on(FerryEvent.info(TOPIC, "already in place on " + shownUrl + " " + branch
            + " at " + GitDiagnosis.abbrev(base.name()) + ": nothing to push"));
        return new Landed(new PushResult(base.name(), base.name(), true, attempt, List.of()));
      }
      tip = built.commit();
      if (prMode) {
        ObjectId existing = refs.remoteBranch(target);
        if (existing != null && sameTree(existing, built.tree())) {
          listener.on(FerryEvent.info(TOPIC, "branch " + target + " on " + shownUrl + " already holds these changes"));
          return new Landed(new PushResult(existing.name(), base.name(), true, attempt, built.changed()));
        }
        updates.add(new RefChange(Constants.R_HEADS + target, built.commit(), existing, true));
      } else {
        List<RefChange> queueRefs = new ArrayList<>();
        if (place.queued != null) {
          queueRefs.add(new RefChange(place.ref, null, place.queued, true));
        }
        tip = carry(ins, tip, place, author, queueRefs);
        updates.add(new RefChange(Constants.R_HEADS + target, tip, base, false));
        updates.addAll(queueRefs);
      }
      ObjectId notes = notesBase;
      if (changes.noteForNewCommit() != null) {
        String note = changes.noteForNewCommit();
        notes = writer.buildNotes(ins, notesBase, Map.of(built.commit(), old -> note));
        updates.add(new RefChange(EnvRepo.NOTES_REF, notes, notesBase, false));
      }
      ins.flush();
      if (!prMode) {
        sideChange(ins, side, tip, notes).ifPresent(updates::add);
      }
    } catch (IOException e) {
      throw new ExternalException("cannot build the commit in the cache of " + shownUrl + ": "
          + e.getMessage(), e);
    }
    PushVerdict v = pusher.push(updates);
    if (v.done()) {
      listener.on(FerryEvent.info(TOPIC, "pushed " + GitDiagnosis.abbrev(built.commit().name()) + " to " + shownUrl + " "
          + target + (attempt > 1 ? " (attempt " + attempt + ")" : "")));
      return new Landed(new PushResult(built.commit().name(), base.name(), false, attempt, built.changed()));
    }
    if (!prMode && tip.equals(refs.head())) {
      // The server took the push but the answer was lost; the fetch in push() saw it landed.
      return new Landed(new PushResult(built.commit().name(), base.name(), false, attempt, built.changed()));
    }
    if (v.kind() == PushVerdict.Kind.MOVED) {
      enqueue(place, built.commit());
    }
    return new Again(v);
  }

  /**
   * Whether another promoter's push carried this promotion: its queue ref is gone and a commit
   * with its promotion id is on the branch. A queue ref gone without it (deleted by hand) is no
   * place any more: the promotion queues again when it loses again.
   */
  private Optional<Attempt> carriedByAnother(int attempt, Place place, ChangeSet changes) {
    if (place.queued == null || refs.queued().containsKey(place.ref)) {
      return Optional.empty();
    }
    ObjectId queued = place.queued;
    place.queued = null;
    try {
      ObjectId landed = queue.landedAs(refs.head(), queued, place.id, LOST_ANSWER_SCAN);
      if (landed == null) {
        return Optional.empty();
      }
      String parent;
      try (RevWalk rw = new RevWalk(repo)) {
        parent = rw.parseCommit(landed).getParent(0).name();
      }
      listener.on(FerryEvent.info(TOPIC, "another promoter's push carried this promotion to " + shownUrl + " "
          + branch + " as " + GitDiagnosis.abbrev(landed.name()) + (attempt > 0 ? " (attempt " + attempt + ")" : "")));
      return Optional.of(new Landed(new PushResult(landed.name(), parent, false, attempt,
          List.copyOf(changes.changes().keySet()))));
    } catch (IOException e) {
      throw new ExternalException("cannot read the history of " + shownUrl + " " + branch + ": " + e.getMessage(), e);
    }
  }

  /**
   * Whether a queued promotion waits rather than builds and pushes again: while the branch keeps
   * moving (others push, and a push carries what waits) and for at most {@link #QUEUE_PATIENCE}.
   * When a look finds the branch where the last one did, nobody is pushing: it pushes itself, and
   * carries the others.
   */
  private boolean waitsForACarrier(Place place, ObjectId head) {
    if (place.queued == null || System.nanoTime() - place.queuedAt > QUEUE_PATIENCE.toNanos()) {
      return false;
    }
    boolean moved = !head.equals(place.lastSeen);
    place.lastSeen = head;
    return moved;
  }

  /** How long a queued promotion waits for a carrier before it pushes again itself. */
  static final java.time.Duration QUEUE_PATIENCE = java.time.Duration.ofSeconds(5);

  /**
   * The promotions others queued, carried on top of {@code tip} as far as they apply cleanly; adds
   * the deletion of each carried one's queue ref to {@code queueRefs}, and of each expired one's
   * (left by a promoter that was killed). Returns the new tip.
   */
  private ObjectId carry(ObjectInserter ins, ObjectId tip, Place place, PersonIdent author, List<RefChange> queueRefs)
      throws IOException {
    if (queue == null || place.ref == null) {
      return tip; // only a promotion carries others: a rollback or a pull request stays as small as it is
    }
    for (PromotionQueue.Entry e : queue.carryable(refs.queued(), place.ref)) {
      ObjectId next;
      try {
        next = writer.carry(ins, tip, e.commit(), author);
      } catch (IOException | RuntimeException ex) {
        // another's entry that cannot be read must not fail this promotion: its promoter retries alone
        listener.on(FerryEvent.debug(TOPIC, "not carrying " + e.ref() + ": " + ex.getMessage()));
        continue;
      }
      if (next != null) {
        listener.on(FerryEvent.debug(TOPIC, "carrying the queued " + e.ref() + " (" + GitDiagnosis.abbrev(e.commit().name())
            + ") as " + GitDiagnosis.abbrev(next.name())));
        queueRefs.add(new RefChange(e.ref(), null, e.commit(), true));
        tip = next;
      }
    }
    for (PromotionQueue.Entry e : queue.expired(refs.queued(), place.ref)) {
      listener.on(FerryEvent.debug(TOPIC, "deleting " + e.ref() + ": queued " + GitDiagnosis.abbrev(e.commit().name())
          + " more than " + PromotionQueue.MAX_AGE.toMinutes() + " minutes ago, nobody will carry it"));
      queueRefs.add(new RefChange(e.ref(), null, e.commit(), true));
    }
    return tip;
  }

  /** After a lost race: puts the promotion's commit in the queue, once, for the next pusher to carry. */
  private void enqueue(Place place, ObjectId commit) {
    if (place.ref == null || place.queued != null) {
      return;
    }
    PushVerdict v;
    try {
      v = pusher.push(List.of(new RefChange(place.ref, commit, null, false)));
    } catch (dev.ferry.core.FerryException e) {
      // a server that refuses the ref costs the queue, not the promotion: it retries alone
      listener.on(FerryEvent.debug(TOPIC, "could not queue at " + place.ref + ": " + e.getMessage()));
      return;
    }
    if (v.done()) {
      place.queued = commit;
      place.queuedAt = System.nanoTime();
      place.lastSeen = null;
      listener.on(FerryEvent.debug(TOPIC, "queued " + GitDiagnosis.abbrev(commit.name()) + " at " + place.ref
          + " for the next push to " + branch + " to carry"));
    }
  }

  private boolean sameTree(ObjectId commit, ObjectId tree) throws IOException {
    try (RevWalk rw = new RevWalk(repo)) {
      return rw.parseCommit(commit).getTree().equals(tree);
    }
  }
}
