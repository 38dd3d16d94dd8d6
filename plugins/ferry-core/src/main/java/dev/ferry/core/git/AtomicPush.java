package dev.ferry.core.git;

import dev.ferry.core.FerryEvent;
import dev.ferry.core.FerryException;
import dev.ferry.core.FerryListener;
import dev.ferry.core.RefusedException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.eclipse.jgit.errors.NoRemoteRepositoryException;
import org.eclipse.jgit.errors.NotSupportedException;
import org.eclipse.jgit.lib.NullProgressMonitor;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.transport.RemoteRefUpdate;
import org.eclipse.jgit.transport.Transport;

/**
 * One compare-and-swap push of several refs, atomic when there are more than one: all land or
 * none does. Reads the server's answer into a {@link PushVerdict}; a refusal on the merits (a hook,
 * branch protection) throws {@link RefusedException}. Changes when the reading of push results does.
 *
 * <pre>{@code PushVerdict v = pusher.push(List.of(branchChange, notesChange));}</pre>
 */
final class AtomicPush {

  private static final String TOPIC = "git";

  private final Repository repo;
  private final MirrorCache cache;
  private final Transports transports;
  private final GitDiagnosis diagnosis;
  private final RemoteRefs refs;
  private final FerryListener listener;

  AtomicPush(Repository repo, MirrorCache cache, Transports transports, GitDiagnosis diagnosis, RemoteRefs refs,
      FerryListener listener) {
    this.repo = repo;
    this.cache = cache;
    this.transports = transports;
    this.diagnosis = diagnosis;
    this.refs = refs;
    this.listener = listener;
  }

  /**
   * DONE when all landed, MOVED when a ref was not where we expected (the state is fetched again),
   * NETWORK when the server did not answer.
   */
  PushVerdict push(List<RefChange> changes) {
    List<RemoteRefUpdate> rus = new ArrayList<>();
    String messages;
    try {
      for (RefChange u : changes) {
        rus.add(new RemoteRefUpdate(repo, (String) null, u.newId(), u.ref(), u.force(), null,
            u.expected() == null ? ObjectId.zeroId() : u.expected()));
      }
      messages = cache.withLock(() -> {
        try (Transport t = transports.open(repo)) {
          t.setPushAtomic(rus.size() > 1);
          return t.push(NullProgressMonitor.INSTANCE, rus).getMessages();
        }
      });
    } catch (NoRemoteRepositoryException | NotSupportedException e) {
      throw diagnosis.fetchFailure(e, refs::listRefs);
    } catch (IOException e) {
      FerryException credentials = diagnosis.credentialProblem(e);
      if (credentials != null) {
        throw credentials;
      }
      String problem = diagnosis.scrub(e.getMessage());
      listener.on(FerryEvent.warn(TOPIC, "push to " + diagnosis.shownUrl() + " failed: " + problem));
      return landedAfterAll(changes, problem);
    }
    boolean allOk = true;
    boolean raced = false;
    String refusal = null;
    for (RemoteRefUpdate ru : rus) {
      switch (ru.getStatus()) {
        case OK, UP_TO_DATE -> { }
        case REJECTED_NONFASTFORWARD, REJECTED_REMOTE_CHANGED -> {
          allOk = false;
          raced = true;
        }
        case REJECTED_OTHER_REASON, REJECTED_NODELETE, NON_EXISTING -> {
          allOk = false;
          if (refusal == null || refusal.contains("atomic")) {
            refusal = ru.getRemoteName() + ": " + Objects.toString(ru.getMessage(), ru.getStatus().name());
          }
        }
        case NOT_ATTEMPTED, AWAITING_REPORT -> allOk = false;
      }
    }
    if (allOk) {
      refs.updateMirror(changes);
      refs.landed(changes);
      return PushVerdict.DONE;
    }
    if (raced) {
      // The client saw the new ref values: no need to ask again; the next attempt fetches.
      return PushVerdict.MOVED;
    }
    // A server-side lock failure looks like any other rejection, so look at where the refs are now.
    ObjectId oldHead = refs.head();
    ObjectId oldNotes = refs.notes();
    PushVerdict after = landedAfterAll(changes, "");
    if (after.done()) {
      return after;
    }
    boolean moved = !Objects.equals(oldHead, refs.head()) || !Objects.equals(oldNotes, refs.notes())
        || (refusal != null && refusal.contains("lock"))
        // "cannot lock ref 'refs/heads/main': is at X but expected Y": another push landed between
        // the advertisement and the update; a lost race even when the fetch above failed under load
        || (messages != null && messages.contains("cannot lock ref"));
    if (moved) {
      return PushVerdict.MOVED;
    }
    if (refusal != null) {
      String serverSaid = messages == null || messages.isBlank() ? "" : "; the server said: " + diagnosis.scrub(messages.strip());
      throw new RefusedException(diagnosis.shownUrl() + " refused the push (" + diagnosis.scrub(refusal) + ")" + serverSaid,
          "the server's hooks or branch protection refused the change; fix what they report, then run the same promotion again");
    }
    return PushVerdict.network("the server did not report the result of the push");
  }

  /**
   * Fetches again: DONE when the changes are in fact on the server (the answer was lost), else
   * NETWORK with the fetch's problem or {@code problem}.
   */
  private PushVerdict landedAfterAll(List<RefChange> changes, String problem) {
    PushVerdict fetched = refs.refresh();
    if (!fetched.done()) {
      return fetched;
    }
    for (RefChange c : changes) {
      if (!refs.follows(c.ref()) || !Objects.equals(c.newId(), refs.tip(c.ref()))) {
        return PushVerdict.network(problem);
      }
    }
    return PushVerdict.DONE;
  }
}
