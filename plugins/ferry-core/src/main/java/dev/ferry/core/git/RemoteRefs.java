package dev.ferry.core.git;

import dev.ferry.core.ExternalException;
import dev.ferry.core.FerryEvent;
import dev.ferry.core.FerryListener;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.eclipse.jgit.lib.BatchRefUpdate;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.NullProgressMonitor;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.transport.FetchConnection;
import org.eclipse.jgit.transport.FetchResult;
import org.eclipse.jgit.transport.ReceiveCommand;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.Transport;

/**
 * The refs Ferry follows on the server (the branch and the notes), as last fetched into the
 * mirror or last pushed. Changes when what Ferry fetches, or how, changes.
 *
 * <pre>{@code
 * refs.fetchOnce();
 * ObjectId head = refs.head();
 * }</pre>
 */
final class RemoteRefs {

  private static final String TOPIC = "git";

  private final Repository repo;
  private final MirrorCache cache;
  private final Transports transports;
  private final GitDiagnosis diagnosis;
  private final FerryListener listener;
  private final String branchRef;
  private final String stateRef;
  private final String queuePrefix;
  private ObjectId head;
  private ObjectId notes;
  private ObjectId state;
  private Map<String, ObjectId> queued = Map.of();
  private int depth;
  private boolean followQueue;
  private boolean queueFetched;

  RemoteRefs(Repository repo, MirrorCache cache, Transports transports, GitDiagnosis diagnosis,
      FerryListener listener, String branch) {
    this.repo = repo;
    this.cache = cache;
    this.transports = transports;
    this.diagnosis = diagnosis;
    this.listener = listener;
    this.branchRef = Constants.R_HEADS + branch;
    this.stateRef = EnvRepo.STATE_REF_PREFIX + branch;
    this.queuePrefix = PromotionQueue.prefix(branch);
  }

  /**
   * Fetches at most {@code commits} commits of the branch (0: all of its history). A thin cold
   * path: a CI agent with an empty cache needs the head and the state index, not the history.
   */
  void depth(int commits) {
    this.depth = commits;
  }

  /** Whether fetches read the branch's queued promotions too (only when they can be carried). */
  void followQueue(boolean follow) {
    this.followQueue = follow;
  }

  /** Whether the last fetch read the queued promotions. */
  boolean queueFetched() {
    return queueFetched;
  }

  /**
   * The queued promotions of the branch (see {@link PromotionQueue}) as the server advertised them
   * at the last fetch: ref to commit. A thin cold fetch leaves them out.
   */
  Map<String, ObjectId> queued() {
    return queued;
  }

  /** The state index commit, likewise; null when the server has none. */
  ObjectId state() {
    return state;
  }

  String stateRef() {
    return stateRef;
  }

  /** The branch head as the server advertised it at the last fetch, or as Ferry last pushed it. */
  ObjectId head() {
    return head;
  }

  /** The notes commit, likewise; null when the server has no notes. */
  ObjectId notes() {
    return notes;
  }

  String branchRef() {
    return branchRef;
  }

  /** Where {@code ref} is as far as Ferry knows: the branch, the notes, the index or a queued promotion; null for another ref. */
  ObjectId tip(String ref) {
    if (ref.equals(branchRef)) {
      return head;
    }
    if (ref.equals(EnvRepo.NOTES_REF)) {
      return notes;
    }
    if (ref.equals(stateRef)) {
      return state;
    }
    return queued.get(ref);
  }

  /** Whether {@code ref} is one that {@link #fetchOnce()} reads back. */
  boolean follows(String ref) {
    return ref.equals(branchRef) || ref.equals(EnvRepo.NOTES_REF) || ref.equals(stateRef)
        || (followQueue && ref.startsWith(queuePrefix));
  }

  /** Records the refs a push just landed. */
  void landed(List<RefChange> changes) {
    for (RefChange c : changes) {
      if (c.ref().equals(branchRef)) {
        head = c.newId();
      } else if (c.ref().equals(EnvRepo.NOTES_REF)) {
        notes = c.newId();
      } else if (c.ref().equals(stateRef)) {
        state = c.newId();
      } else if (c.ref().startsWith(queuePrefix)) {
        Map<String, ObjectId> q = new TreeMap<>(queued);
        if (c.newId() == null) {
          q.remove(c.ref());
        } else {
          q.put(c.ref(), c.newId());
        }
        queued = Collections.unmodifiableMap(q);
      }
    }
  }

  /**
   * Fetches the branch and the notes. A server that is briefly unreachable (a full accept queue
   * while many pipelines fetch at once) gets a few more tries; a wrong URL, branch or credential
   * fails at once.
   */
  void fetch(RetryPolicy policy) {
    Retries retries = new Retries(policy, branchRef, diagnosis.shownUrl(), listener, EnvRepo.FETCH_ATTEMPTS);
    for (int attempt = 1; ; attempt++) {
      try {
        fetchOnce();
        return;
      } catch (ExternalException e) {
        retries.failed(attempt, PushVerdict.network(e.getMessage()), e);
      }
    }
  }

  /** Fetches the branch, the notes and the state index once; throws what went wrong. */
  void fetchOnce() {
    listener.on(FerryEvent.debug(TOPIC, "fetching " + branchRef + ", notes and state from " + diagnosis.shownUrl()
        + (depth > 0 ? " (the newest " + depth + " commits)" : "")));
    try {
      FetchResult r = cache.withLock(() -> {
        try (Transport t = transports.open(repo)) {
          if (depth > 0) {
            t.setDepth(depth);
          }
          // a wildcard: a missing state ref is no error (a repository Ferry never indexed)
          List<RefSpec> specs = new ArrayList<>(List.of(new RefSpec("+" + branchRef + ":" + branchRef),
              new RefSpec("+refs/notes/*:refs/notes/*"),
              new RefSpec("+" + EnvRepo.STATE_REF_PREFIX + "*:" + EnvRepo.STATE_REF_PREFIX + "*")));
          if (depth == 0 && followQueue) {
            // queued commits sit on older heads, which a thin fetch would cut off
            specs.add(new RefSpec("+" + queuePrefix + "*:" + queuePrefix + "*"));
            t.setRemoveDeletedRefs(true);
          }
          return t.fetch(NullProgressMonitor.INSTANCE, specs);
        }
      });
      Ref h = r.getAdvertisedRef(branchRef);
      if (h == null) {
        throw diagnosis.unknownBranch(branchRef.substring(Constants.R_HEADS.length()), r.getAdvertisedRefs());
      }
      head = h.getObjectId();
      Ref n = r.getAdvertisedRef(EnvRepo.NOTES_REF);
      notes = n == null ? null : n.getObjectId();
      Ref st = r.getAdvertisedRef(stateRef);
      state = st == null ? null : st.getObjectId();
      Map<String, ObjectId> q = new TreeMap<>();
      if (depth == 0 && followQueue) {
        for (Ref a : r.getAdvertisedRefs()) {
          if (a.getName().startsWith(queuePrefix)) {
            q.put(a.getName(), a.getObjectId());
          }
        }
      }
      queued = Collections.unmodifiableMap(q);
      queueFetched = depth == 0 && followQueue;
    } catch (IOException e) {
      throw diagnosis.fetchFailure(e, this::listRefs);
    }
  }

  /** Whether the mirror holds only part of the history (a thin cold fetch). */
  boolean shallow() throws IOException {
    return !repo.getObjectDatabase().getShallowCommits().isEmpty();
  }

  /**
   * Deepens a shallow mirror to the newest {@code commits} commits of the branch (0: the whole
   * history). A depth, not a date: JGit's deepen-since asks for nothing when the mirror already has
   * the branch's tip, which is exactly the mirror that needs deepening.
   *
   * <p>The mirror's refs are set aside while it deepens, so that the fetch offers the server no
   * "have" lines: JGit's protocol v0 client (the in-process local transport, and ssh or git://
   * servers that do not speak v2) reads the server's shallow lines only after its last "have", and
   * from 64 of them on it reads an "unshallow" where it expects an ACK and fails. Without haves the
   * server also sends objects the mirror has: at most those of the commits it already holds.
   */
  void deepen(int commits) {
    listener.on(FerryEvent.progress(TOPIC, "fetching the history of " + branchRef + " from " + diagnosis.shownUrl()
        + (commits == 0 ? "" : " (the newest " + commits + " commits)")));
    try {
      cache.withLock(() -> {
        List<Ref> aside = setRefsAside();
        try (Transport t = transports.open(repo)) {
          t.setDepth(commits == 0 ? Constants.INFINITE_DEPTH : commits);
          return t.fetch(NullProgressMonitor.INSTANCE, List.of(new RefSpec("+" + branchRef + ":" + branchRef)));
        } finally {
          restore(aside);
        }
      });
    } catch (IOException e) {
      throw diagnosis.fetchFailure(e, this::listRefs);
    }
  }

  /** Deletes the mirror's refs (not their objects), returning them; the caller holds the lock. */
  private List<Ref> setRefsAside() throws IOException {
    List<Ref> refs = List.copyOf(repo.getRefDatabase().getRefs());
    BatchRefUpdate batch = repo.getRefDatabase().newBatchUpdate();
    for (Ref r : refs) {
      if (!r.isSymbolic() && r.getObjectId() != null) {
        batch.addCommand(new ReceiveCommand(r.getObjectId(), ObjectId.zeroId(), r.getName()));
      }
    }
    batch.setRefLogMessage(null, false);
    execute(batch);
    return refs;
  }

  /** Puts back the refs {@link #setRefsAside()} deleted that the deepening did not fetch again. */
  private void restore(List<Ref> aside) throws IOException {
    BatchRefUpdate batch = repo.getRefDatabase().newBatchUpdate();
    for (Ref r : aside) {
      if (!r.isSymbolic() && r.getObjectId() != null && repo.exactRef(r.getName()) == null) {
        batch.addCommand(new ReceiveCommand(ObjectId.zeroId(), r.getObjectId(), r.getName()));
      }
    }
    batch.setRefLogMessage(null, false);
    execute(batch);
  }

  private void execute(BatchRefUpdate batch) throws IOException {
    if (batch.getCommands().isEmpty()) {
      return;
    }
    try (RevWalk rw = new RevWalk(repo)) {
      batch.execute(rw, NullProgressMonitor.INSTANCE);
    }
    for (ReceiveCommand c : batch.getCommands()) {
      if (c.getResult() != ReceiveCommand.Result.OK) {
        throw new IOException("could not update " + c.getRefName() + " in the cache: " + c.getResult()
            + (c.getMessage() == null ? "" : " " + c.getMessage()));
      }
    }
  }

  /** Fetches; a NETWORK verdict saying why when the server did not answer, else DONE. */
  PushVerdict refresh() {
    try {
      fetchOnce();
      return PushVerdict.DONE;
    } catch (ExternalException e) {
      return PushVerdict.network(e.getMessage());
    }
  }

  /** The id of {@code refs/heads/<name>} on the server (fetched into the mirror), or null. */
  ObjectId remoteBranch(String name) {
    String ref = Constants.R_HEADS + name;
    try {
      return cache.withLock(() -> {
        Ref r;
        try (Transport t = transports.open(repo); FetchConnection c = t.openFetch()) {
          r = c.getRef(ref);
        }
        if (r == null) {
          return null;
        }
        try (Transport t = transports.open(repo)) {
          t.fetch(NullProgressMonitor.INSTANCE, List.of(new RefSpec("+" + ref + ":" + ref)));
        }
        return r.getObjectId();
      });
    } catch (IOException e) {
      throw diagnosis.fetchFailure(e, this::listRefs);
    }
  }

  /** Every ref the server advertises. */
  Collection<Ref> listRefs() throws IOException {
    return cache.withLock(() -> {
      try (Transport t = transports.open(repo); FetchConnection c = t.openFetch()) {
        return c.getRefs();
      }
    });
  }

  /** Moves the mirror's refs to what a push landed, so the next fetch has less to do. */
  void updateMirror(List<RefChange> changes) {
    try {
      cache.withLock(() -> {
        for (RefChange c : changes) {
          RefUpdate ru = repo.updateRef(c.ref());
          ru.setForceUpdate(true);
          ru.disableRefLog();
          if (c.newId() == null) {
            ru.delete();
          } else {
            ru.setNewObjectId(c.newId());
            ru.update();
          }
        }
        return null;
      });
    } catch (IOException e) {
      // The mirror's refs only speed up the next fetch; the server holds the truth.
      listener.on(FerryEvent.debug(TOPIC, "could not update the cache's refs: " + e.getMessage()));
    }
  }
}
