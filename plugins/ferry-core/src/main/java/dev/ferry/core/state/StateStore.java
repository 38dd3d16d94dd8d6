package dev.ferry.core.state;

import dev.ferry.core.FerryEvent;
import dev.ferry.core.FerryException;
import dev.ferry.core.FerryListener;
import dev.ferry.core.git.CommitInfo;
import dev.ferry.core.git.EnvRepo;
import dev.ferry.core.git.FileChange;
import dev.ferry.core.git.SideRef;
import dev.ferry.core.git.UntrustedRecord;
import dev.ferry.core.history.History;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The state index of one environment repository: read, reconciled with the commits since its base
 * (never trusted past what they say), built from history when there is none, and written in the
 * same atomic push as every commit and note that changes state.
 *
 * <pre>{@code
 * StateStore store = new StateStore(repo, 5000, listener);
 * History history = store.current().history();          // O(services) once up to date
 * repo.commit(changeSet, author, store.update());       // branch, notes and index land together
 * }</pre>
 */
public final class StateStore {

  private static final String TOPIC = "state";
  /** How often a build from history reports progress, in commits. */
  private static final int PROGRESS_EVERY = 10_000;

  private final EnvRepo repo;
  private final int historyDepth;
  private final FerryListener listener;
  private String cachedKey;
  private StateIndex cached;
  /** The last index this store built from history: a build reads the whole history, once per command. */
  private StateIndex lastBuilt;

  /**
   * @param historyDepth how many commits a build from history reads (blocks further back:
   *     {@link EnvRepo#OLDER_SCAN_FACTOR} times as many rollback commits)
   */
  public StateStore(EnvRepo repo, int historyDepth, FerryListener listener) {
    this.repo = repo;
    this.historyDepth = historyDepth;
    this.listener = listener == null ? FerryListener.NONE : listener;
  }

  /**
   * The index as of the branch head and notes last fetched. When the stored index is behind (the
   * branch moved without Ferry) or missing, it is brought up to date and pushed; a push that fails
   * (read-only credentials, a race) is reported, and the state read is still right.
   */
  public StateIndex current() {
    String head = repo.head();
    String notesTip = repo.notesTip().orElse(null);
    String tip = repo.stateTip().orElse(null);
    String key = head + " " + notesTip + " " + tip;
    if (key.equals(cachedKey)) {
      return cached;
    }
    List<UntrustedRecord> skipped = new ArrayList<>();
    String notes = repo.readableNotes(notesTip, skipped);
    StateIndex stored = tip == null ? null : read(tip);
    StateIndex now = reconcile(stored == null ? null : stored.copy(), head, notes, skipped);
    if (now != stored && !now.equals(stored)) {
      try {
        repo.updateSide(update());
      } catch (FerryException e) {
        listener.on(FerryEvent.warn(TOPIC, "could not push the updated state index " + repo.stateRef() + " to "
            + repo.url() + ": " + e.getMessage() + " (the state read is up to date; the next command tries again)"));
      }
    }
    cachedKey = repo.head() + " " + repo.notesTip().orElse(null) + " " + repo.stateTip().orElse(null);
    cached = now;
    if (!cachedKey.equals(key)) {
      // the push found newer tips: read what landed
      cachedKey = null;
      return current();
    }
    return cached;
  }

  /** The state for queries: {@link #current()} as a {@link History}. */
  public History history() {
    return current().history();
  }

  /** The index update that lands in the same push as a commit or note: reconciled up to the new tips. */
  public SideRef update() {
    return new SideRef() {
      @Override
      public String ref() {
        return repo.stateRef();
      }

      @Override
      public Map<String, FileChange> changes(String sideTip, String head, String notesTip) {
        // never build on an index that a trusted key did not sign: it would carry a forgery forward
        StateIndex before = sideTip == null ? null : read(sideTip);
        List<UntrustedRecord> skipped = new ArrayList<>();
        String notes = repo.readableNotes(notesTip, skipped);
        StateIndex after = reconcile(before == null ? null : before.copy(), head, notes, skipped, true);
        return after.changesFrom(before);
      }
    };
  }

  /**
   * Builds the index from history again, whatever the stored one says, and pushes it (what
   * {@code ferry index rebuild} does).
   */
  public StateIndex rebuild() {
    StateIndex built = fromHistory(repo.head(), repo.readableNotes(repo.notesTip().orElse(null), new ArrayList<>()));
    repo.updateSide(new SideRef() {
      @Override
      public String ref() {
        return repo.stateRef();
      }

      @Override
      public Map<String, FileChange> changes(String sideTip, String head, String notesTip) {
        String notes = repo.readableNotes(notesTip, new ArrayList<>());
        StateIndex fresh = head.equals(built.base()) && Objects.equals(notes, built.notes()) ? built
            : fromHistory(head, notes);
        Map<String, FileChange> out = new LinkedHashMap<>(fresh.changesFrom(null));
        if (sideTip != null) {
          Map<String, String> now = fresh.files();
          for (String path : treeFiles(sideTip)) {
            if (!now.containsKey(path)) {
              out.put(path, (p, text) -> null);
            }
          }
        }
        return out;
      }

      @Override
      public String message(String head) {
        return "Ferry state at " + head + ", rebuilt from history\n";
      }
    });
    cachedKey = null;
    return built;
  }

  /**
   * What {@code ferry doctor} reports: every difference between the stored index (brought up to
   * the head, not pushed) and an index built from the history now. A corrupt index is one
   * difference, naming its file.
   */
  public List<String> check() {
    String head = repo.head();
    List<UntrustedRecord> skipped = new ArrayList<>();
    String notes = repo.readableNotes(repo.notesTip().orElse(null), skipped);
    String tip = repo.stateTip().orElse(null);
    StateIndex built = fromHistory(head, notes);
    if (tip == null) {
      return List.of(repo.stateRef() + " does not exist in " + repo.url() + "; the next command builds it (or run 'ferry index rebuild')");
    }
    StateIndex stored;
    try {
      stored = reconcile(read(tip), head, notes, skipped);
    } catch (dev.ferry.core.InputException e) {
      return List.of(e.getMessage());
    }
    return StateDiff.between(stored, built);
  }

  private static StateIndex withUntrusted(StateIndex index, List<UntrustedRecord> skipped) {
    index.untrusted(skipped);
    return index;
  }

  /**
   * The index at {@code tip}. With {@code git.trust} and a key of Ferry's, the index commit must
   * carry a trusted signature: a ref pushed by hand, or forged, must not decide policy.
   */
  private StateIndex read(String tip) {
    if (repo.checksIndexSignature()) {
      repo.untrustedBecause(tip).ifPresent(why -> {
        throw new dev.ferry.core.InputException("the state index " + repo.stateRef() + " (" + tip.substring(0, 12)
            + ") in " + repo.url() + " is not signed by a key git.trust names (" + why + "); Ferry signs every"
            + " index commit, so this one was written by someone else and does not count", null,
            "rebuild it from the signed history with 'ferry index rebuild -c ferry.yaml'", null);
      });
    }
    return StateIndex.read(repo, tip);
  }

  /** The files of the index tree at {@code tip}, whatever they hold. */
  private List<String> treeFiles(String tip) {
    List<String> out = new ArrayList<>();
    for (String name : repo.list(tip, "")) {
      if (repo.isDirectory(tip, name)) {
        repo.list(tip, name).forEach(f -> out.add(name + "/" + f));
      } else {
        out.add(name);
      }
    }
    return out;
  }

  /**
   * {@code index} brought up to {@code head} and {@code notes}: the commits since its base (all
   * of them, so a merge's side and a squash with Ferry's trailers count) and the notes that
   * changed since its notes commit. Rebuilt from history when there is no index or the branch no
   * longer contains its base (rewritten by a force-push).
   */
  StateIndex reconcile(StateIndex index, String head, String notes) {
    return reconcile(index, head, notes, List.of());
  }

  /**
   * {@link #reconcile(StateIndex, String, String)}, where {@code notes} is the notes commit that
   * counts and {@code skipped} the notes commits after it that no trusted key signed. With {@code
   * git.trust}, only commits a trusted key signed are folded in; the others are kept as untrusted.
   */
  StateIndex reconcile(StateIndex index, String head, String notes, List<UntrustedRecord> skipped) {
    return reconcile(index, head, notes, skipped, false);
  }

  /**
   * @param alongAWrite whether the index is brought up to the commit a write is about to push (its
   *     own commit, and those it carries): routine, so reported at debug level only
   */
  private StateIndex reconcile(StateIndex index, String head, String notes, List<UntrustedRecord> skipped,
      boolean alongAWrite) {
    if (index != null) {
      index.untrusted(skipped);
    }
    if (index != null && head.equals(index.base()) && Objects.equals(notes, index.notes())) {
      return index;
    }
    if (index == null && lastBuilt != null && repo.isAncestor(lastBuilt.base(), head)) {
      // built from history earlier in this command (the push of it lost a race, or this is it)
      return withUntrusted(catchUp(lastBuilt.copy(), head, notes, alongAWrite), skipped);
    }
    if (index == null) {
      listener.on(FerryEvent.progress(TOPIC, repo.url() + " " + repo.branch()
          + " has no state index yet: building it from the history"));
      return withUntrusted(fromHistory(head, notes), skipped);
    }
    if (!repo.isAncestor(index.base(), head)) {
      listener.on(FerryEvent.warn(TOPIC, "the state index of " + repo.url() + " " + repo.branch() + " was made at "
          + index.base().substring(0, 12) + ", which the branch no longer contains (a force-push?): rebuilding it from the history"));
      return withUntrusted(fromHistory(head, notes), skipped);
    }
    return catchUp(index, head, notes, alongAWrite);
  }

  /** {@code index} with the commits since its base up to {@code head} applied, and the notes changed since its notes. */
  private StateIndex catchUp(StateIndex index, String head, String notes, boolean quietly) {
    if (!head.equals(index.base())) {
      List<UntrustedRecord> refused = new ArrayList<>();
      List<CommitInfo> since = repo.commitsSince(index.base(), head, notes, Integer.MAX_VALUE, refused);
      since.forEach(index::apply);
      index.untrusted(refused);
      String said = "reconciled the state index with the commits since its base " + index.base().substring(0, 12)
          + ": " + since.size() + " of them record state";
      listener.on(quietly ? FerryEvent.debug(TOPIC, said) : FerryEvent.progress(TOPIC, said));
    }
    repo.notesChanged(index.notes(), notes).forEach(index::applyNote);
    index.at(head, notes);
    return index;
  }

  /**
   * The index as the history says, bounded like history reads: the newest commits, older rollbacks
   * for blocks. Read in a throwaway full mirror when this one is thin (see {@link
   * EnvRepo#withWholeHistory}), as of this mirror's last fetch, and then brought up to {@code head}
   * and {@code notes} here: they may be commits this command made and has not pushed yet.
   */
  StateIndex fromHistory(String head, String notes) {
    lastBuilt = buildFromHistory(head, notes);
    return lastBuilt.copy();
  }

  private StateIndex buildFromHistory(String head, String notes) {
    String fetched = repo.head();
    StateIndex built = repo.withWholeHistory(deep -> {
      String at = deep.contains(head) ? head : deep.contains(fetched) ? fetched : null;
      String n = notes == null || deep.contains(notes) ? notes
          : deep.readableNotes(repo.notesTip().filter(deep::contains).orElse(null), new ArrayList<>());
      return at == null ? null : fromHistory(deep, at, n);
    });
    if (built == null || !repo.isAncestor(built.base(), head)) {
      // the branch was rewritten between the two fetches: read the history here, as fetched
      return fromHistory(repo, head, notes);
    }
    return built.base().equals(head) && Objects.equals(built.notes(), notes) ? built : catchUp(built, head, notes, true);
  }

  private StateIndex fromHistory(EnvRepo from, String head, String notes) {
    listener.on(FerryEvent.progress(TOPIC, "building the state index of " + from.url() + " " + from.branch()
        + " from up to " + historyDepth + " commits"));
    StateIndex index = StateIndex.empty(from.branch());
    // blocks hold beyond the window: the rollback commits further back, oldest first
    EnvRepo.Log log = from.log(historyDepth, History::mayHoldBlocks);
    List<CommitInfo> older = new ArrayList<>(log.older());
    java.util.Collections.reverse(older);
    List<UntrustedRecord> refused = new ArrayList<>();
    List<CommitInfo> recent = from.commitsSince(null, head, notes, historyDepth, refused);
    index.untrusted(log.untrusted().stream().filter(u -> !u.ref().equals(EnvRepo.NOTES_REF)).toList());
    index.untrusted(refused);
    for (CommitInfo c : older) {
      if (c.note() != null) {
        index.applyNote(c.id(), c.note());
      }
    }
    int n = 0;
    for (CommitInfo c : recent) {
      index.apply(c);
      if (++n % PROGRESS_EVERY == 0) {
        listener.on(FerryEvent.progress(TOPIC, "read " + n + " of " + recent.size() + " commits"));
      }
    }
    index.at(head, notes);
    listener.on(FerryEvent.progress(TOPIC, "built the state index from " + recent.size() + " commit(s)"));
    return index;
  }
}
