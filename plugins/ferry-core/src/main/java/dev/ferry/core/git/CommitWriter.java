package dev.ferry.core.git;

import dev.ferry.core.InputException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;
import dev.ferry.core.signing.CommitSigner;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.notes.NoteMap;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.treewalk.TreeWalk;

/**
 * Builds Ferry's commits in memory, with no checkout: the branch commit with the edited files, the
 * notes commit, and commits of other refs Ferry keeps (the state index). Every commit passes
 * through {@link #insert}, the one place where a commit is written: the seam where a signer signs
 * the {@link CommitBuilder} before it is inserted.
 *
 * <pre>{@code
 * CommitWriter.Built b = writer.build(inserter, head, changeSet, author);
 * if (b.commit() == null) { ... already in place ... }
 * }</pre>
 */
final class CommitWriter {

  /**
   * A commit that was built (not pushed yet).
   *
   * @param commit the new commit, or null when the changes were already in place
   * @param tree its tree
   * @param changed the paths whose content changed
   */
  record Built(ObjectId commit, ObjectId tree, List<String> changed) {
  }

  private final String where;
  private final Clock clock;
  private final PersonIdent committer;
  /** Signs every commit written ({@code git.signing}), or null. */
  private CommitSigner signer;
  private java.util.function.Consumer<ObjectId> signed = id -> { };
  /** Which notes commit's notes a new notes commit builds on; the head itself unless {@code git.trust} is set. */
  private NotesBase notesBase = head -> head;

  /** Where the notes a new notes commit carries forward come from, given the notes head. */
  @FunctionalInterface
  interface NotesBase {
    ObjectId of(ObjectId notesHead) throws IOException;
  }

  /**
   * @param where the repository and branch, for errors
   * @param committer the committer of branch commits; null means the author
   */
  CommitWriter(String where, Clock clock, PersonIdent committer) {
    this.where = where;
    this.clock = clock;
    this.committer = committer;
  }

  /** Signs every commit from now on; null: none. */
  void signWith(CommitSigner commitSigner) {
    this.signer = commitSigner;
  }

  /** Builds notes commits on the notes of {@code base} instead of the head's (see {@link RecordTrust}). */
  void notesFrom(NotesBase base) {
    this.notesBase = base;
  }

  /** A commit on top of {@code base} with the changes applied, or {@code Built(null, ...)} when nothing changes. */
  Built build(ObjectInserter ins, ObjectId base, ChangeSet changes, PersonIdent author) throws IOException {
    return buildOn(ins, base, changes.changes(), changes.message(), author, committer);
  }

  /**
   * A commit with {@code base} (null: none) as its parent and its tree with {@code changes}
   * applied; {@code Built(null, ...)} when the tree stays the same.
   */
  Built buildOn(ObjectInserter ins, ObjectId base, Map<String, FileChange> changes, String message,
      PersonIdent author, PersonIdent committerOrNull) throws IOException {
    try (ObjectReader reader = ins.newReader(); RevWalk rw = new RevWalk(reader)) {
      RevCommit baseCommit = base == null ? null : rw.parseCommit(base);
      ObjectId oldTree = baseCommit == null ? null : baseCommit.getTree();
      Map<String, ObjectId> edits = new LinkedHashMap<>();
      List<String> changed = new ArrayList<>();
      for (Map.Entry<String, FileChange> e : changes.entrySet()) {
        String path = e.getKey();
        String current = null;
        ObjectId oldBlob = null;
        try (TreeWalk tw = oldTree == null ? null : TreeWalk.forPath(reader, path, oldTree)) {
          if (tw != null) {
            FileMode mode = tw.getFileMode(0);
            if (mode != FileMode.REGULAR_FILE && mode != FileMode.EXECUTABLE_FILE) {
              throw new InputException("'" + path + "' in " + where
                  + " is a " + (mode == FileMode.TREE ? "directory" : "link or submodule") + ", not a file");
            }
            oldBlob = tw.getObjectId(0);
            current = new String(TreeReader.bytes(reader, oldBlob, "'" + path + "' in " + where), StandardCharsets.UTF_8);
          }
        }
        String next = e.getValue().apply(path, current);
        if (Objects.equals(next, current)) {
          continue;
        }
        if (next == null) {
          edits.put(path, TreeEditor.DELETE);
        } else {
          ObjectId blob = ins.insert(Constants.OBJ_BLOB, next.getBytes(StandardCharsets.UTF_8));
          if (blob.equals(oldBlob)) {
            continue;
          }
          edits.put(path, blob);
        }
        changed.add(path);
      }
      ObjectId tree = edits.isEmpty() && oldTree != null ? oldTree : TreeEditor.apply(reader, ins, oldTree, edits);
      if (tree.equals(oldTree)) {
        return new Built(null, tree, List.of());
      }
      PersonIdent who = author == null ? defaultIdent() : author;
      CommitBuilder cb = new CommitBuilder();
      cb.setTreeId(tree);
      if (base != null) {
        cb.setParentId(base);
      }
      cb.setAuthor(who);
      cb.setCommitter(now(committerOrNull == null ? who : committerOrNull, who.getZoneId()));
      cb.setEncoding(StandardCharsets.UTF_8);
      cb.setMessage(message);
      return new Built(insert(ins, cb), tree, changed);
    }
  }

  /**
   * The changes {@code queued} made to its parent, as a new commit on {@code tip} with its author
   * and message (its trailers: the record stays the promoter's), committed as this writer commits
   * for {@code carrier}; null when they do not apply cleanly: {@code tip} changed one of the same
   * files since that parent, or already holds them.
   */
  ObjectId carry(ObjectInserter ins, ObjectId tip, RevCommit queued, PersonIdent carrier) throws IOException {
    try (ObjectReader reader = ins.newReader(); RevWalk rw = new RevWalk(reader)) {
      RevCommit q = rw.parseCommit(queued);
      if (q.getParentCount() != 1) {
        return null;
      }
      RevCommit parent = rw.parseCommit(q.getParent(0));
      RevCommit onto = rw.parseCommit(tip);
      Map<String, ObjectId> edits = new LinkedHashMap<>();
      try (TreeWalk tw = new TreeWalk(reader)) {
        tw.addTree(parent.getTree());
        tw.addTree(q.getTree());
        tw.setRecursive(true);
        tw.setFilter(org.eclipse.jgit.treewalk.filter.TreeFilter.ANY_DIFF);
        while (tw.next()) {
          FileMode mode = tw.getFileMode(1);
          if (mode != FileMode.MISSING && mode != FileMode.REGULAR_FILE && mode != FileMode.EXECUTABLE_FILE) {
            return null;
          }
          String path = tw.getPathString();
          ObjectId before = tw.getFileMode(0) == FileMode.MISSING ? null : tw.getObjectId(0);
          ObjectId now;
          try (TreeWalk at = TreeWalk.forPath(reader, path, onto.getTree())) {
            now = at == null ? null : at.getObjectId(0);
          }
          if (!Objects.equals(before, now)) {
            return null;
          }
          edits.put(path, mode == FileMode.MISSING ? TreeEditor.DELETE : tw.getObjectId(1).copy());
        }
      }
      if (edits.isEmpty()) {
        return null;
      }
      CommitBuilder cb = new CommitBuilder();
      cb.setTreeId(TreeEditor.apply(reader, ins, onto.getTree(), edits));
      cb.setParentId(tip);
      cb.setAuthor(q.getAuthorIdent());
      cb.setCommitter(now(committer != null ? committer : carrier != null ? carrier : defaultIdent(), ZoneOffset.UTC));
      cb.setEncoding(StandardCharsets.UTF_8);
      cb.setMessage(q.getFullMessage());
      return insert(ins, cb);
    }
  }

  /** A notes commit on top of {@code base} with the updates applied, or null when nothing changes. */
  ObjectId buildNotes(ObjectInserter ins, ObjectId base, Map<ObjectId, UnaryOperator<String>> updates)
      throws IOException {
    try (ObjectReader reader = ins.newReader(); RevWalk rw = new RevWalk(reader)) {
      // with git.trust, a signed notes commit carries forward only the notes a trusted key wrote
      NoteMap map = LogReader.notesMap(reader, rw, notesBase.of(base));
      boolean changed = false;
      for (Map.Entry<ObjectId, UnaryOperator<String>> e : updates.entrySet()) {
        String old = LogReader.noteText(reader, map, e.getKey());
        String next = e.getValue().apply(old);
        if (Objects.equals(old, next)) {
          continue;
        }
        if (next == null) {
          map.set(e.getKey(), (ObjectId) null);
        } else {
          map.set(e.getKey(), next, ins);
        }
        changed = true;
      }
      if (!changed) {
        return null;
      }
      PersonIdent who = defaultIdent();
      CommitBuilder cb = new CommitBuilder();
      cb.setTreeId(map.writeTree(ins));
      if (base != null) {
        cb.setParentId(base);
      }
      cb.setAuthor(who);
      cb.setCommitter(who);
      cb.setMessage("Notes added by Ferry\n");
      return insert(ins, cb);
    }
  }

  /** {@code who} at the clock's present time. */
  private PersonIdent now(PersonIdent who, java.time.ZoneId zone) {
    return new PersonIdent(who.getName(), who.getEmailAddress(), clock.instant(), zone);
  }

  /** Ferry's own identity, for commits no person authored (notes, the state index). */
  PersonIdent defaultIdent() {
    return new PersonIdent("Ferry", "ferry@localhost", clock.instant(), ZoneOffset.UTC);
  }

  /**
   * Writes one commit object. Every commit Ferry makes is inserted here, so a signer that sets
   * the builder's signature (over its {@code build()} bytes) covers all of them.
   */
  private ObjectId insert(ObjectInserter ins, CommitBuilder cb) throws IOException {
    if (signer == null) {
      return ins.insert(cb);
    }
    signer.sign(cb);
    ObjectId id = ins.insert(cb);
    signed.accept(id);
    return id;
  }

  /** Told of every commit this writer signed (so that checking it again can be skipped); the default ignores them. */
  void tellSigned(java.util.function.Consumer<ObjectId> listener) {
    this.signed = listener;
  }
}
