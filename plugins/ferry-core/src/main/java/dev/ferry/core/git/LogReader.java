package dev.ferry.core.git;

import dev.ferry.core.ExternalException;
import dev.ferry.core.signing.SignatureCheck;
import org.eclipse.jgit.lib.Constants;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.notes.NoteMap;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;

/**
 * Reads the branch's history and the {@code refs/notes/ferry} notes from the mirror. Changes when
 * what Ferry reads from commits and notes changes.
 *
 * <pre>{@code EnvRepo.Log log = logs.log(head, notes, 5000, History::mayHoldBlocks);}</pre>
 */
final class LogReader {

  private final Repository repo;
  private final GitDiagnosis diagnosis;
  private final String branch;
  /** Which records count (git.trust), or null: all do. */
  private RecordTrust trust;

  LogReader(Repository repo, GitDiagnosis diagnosis, String branch) {
    this.repo = repo;
    this.diagnosis = diagnosis;
    this.branch = branch;
  }

  /** Reads only records signed by a trusted key from now on; null: all count. */
  void trustOnly(RecordTrust recordTrust) {
    this.trust = recordTrust;
  }

  /**
   * The notes commit whose notes count: {@code notesHead}, or with {@code git.trust} the newest
   * one a trusted key signed (the notes commits after it go to {@code skipped}).
   */
  ObjectId readableNotes(ObjectId notesHead, List<UntrustedRecord> skipped) throws IOException {
    return trust == null ? notesHead : trust.trustedNotes(repo, notesHead, skipped);
  }

  /**
   * First-parent history from {@code head}, newest first: the newest {@code max} commits and,
   * further back, those whose message {@code older} accepts, at most {@code max *
   * EnvRepo.OLDER_SCAN_FACTOR} commits walked.
   */
  EnvRepo.Log log(ObjectId head, ObjectId notesHead, int max, Predicate<String> older) {
    List<CommitInfo> recent = new ArrayList<>();
    List<CommitInfo> kept = new ArrayList<>();
    List<UntrustedRecord> untrusted = new ArrayList<>();
    long limit = (long) max * EnvRepo.OLDER_SCAN_FACTOR;
    try (ObjectReader reader = repo.newObjectReader(); RevWalk rw = new RevWalk(reader)) {
      NoteMap notes = notesMap(reader, rw, readableNotes(notesHead, untrusted));
      rw.setFirstParent(true);
      rw.markStart(rw.parseCommit(head));
      long walked = 0;
      for (RevCommit c = rw.next(); c != null && walked < limit; c = rw.next(), walked++) {
        boolean isRecent = walked < max;
        if (!isRecent && !older.test(c.getFullMessage())) {
          c.disposeBody();
          continue;
        }
        if (trust != null && RecordTrust.looksLikeARecord(Trailers.parse(c.getFullMessage()))) {
          SignatureCheck check = trust.check(repo, c);
          if (!check.trusted()) {
            untrusted.add(RecordTrust.untrusted(c, Constants.R_HEADS + branch, check));
            continue;
          }
        }
        (isRecent ? recent : kept).add(info(reader, notes, c));
      }
      return new EnvRepo.Log(recent, kept, untrusted);
    } catch (IOException e) {
      throw new ExternalException("cannot read the history of " + diagnosis.shownUrl() + " " + branch + ": "
          + e.getMessage(), e);
    }
  }

  /**
   * Every commit reachable from {@code head} and not from {@code base} (all parents, so the side of
   * a merge counts), oldest first, with notes from {@code notesHead}, of the newest {@code max}
   * walked; commits with neither a Ferry trailer nor a note are left out (they change no state).
   * {@code base} null: from the start of the history.
   */
  List<CommitInfo> since(ObjectId base, ObjectId head, ObjectId notesHead, int max) {
    return since(base, head, notesHead, max, new ArrayList<>());
  }

  /**
   * {@link #since(ObjectId, ObjectId, ObjectId, int)}; with {@code git.trust}, the commits with
   * Ferry's trailers that no trusted key signed are left out and added to {@code untrusted}
   * (newest first), so the state index folds in only records that count.
   */
  List<CommitInfo> since(ObjectId base, ObjectId head, ObjectId notesHead, int max, List<UntrustedRecord> untrusted) {
    List<CommitInfo> out = new ArrayList<>();
    try (ObjectReader reader = repo.newObjectReader(); RevWalk rw = new RevWalk(reader)) {
      NoteMap notes = notesMap(reader, rw, notesHead);
      rw.markStart(rw.parseCommit(head));
      if (base != null) {
        rw.markUninteresting(rw.parseCommit(base));
      }
      int walked = 0;
      for (RevCommit c = rw.next(); c != null && walked < max; c = rw.next(), walked++) {
        // most commits of a busy branch are not Ferry's and carry no note: skip parsing them
        if (c.getFullMessage().contains("Ferry-") || notes.get(c) != null) {
          CommitInfo info = info(reader, notes, c);
          UntrustedRecord refused = refused(rw, c, info);
          if (refused != null) {
            untrusted.add(0, refused);
          } else {
            out.add(info);
          }
        } else {
          c.disposeBody();
        }
      }
    } catch (IOException e) {
      throw new ExternalException("cannot read the history of " + diagnosis.shownUrl() + " " + branch + ": "
          + e.getMessage(), e);
    }
    java.util.Collections.reverse(out);
    return out;
  }

  /**
   * With {@code git.trust}, why a commit that records something does not count (null when it does):
   * its own Ferry trailers need its signature; a merge commit that carries the promotion of its
   * second parent needs that parent's.
   */
  private UntrustedRecord refused(RevWalk rw, RevCommit c, CommitInfo info) throws IOException {
    if (trust == null) {
      return null;
    }
    String ref = Constants.R_HEADS + branch;
    if (RecordTrust.looksLikeARecord(info.trailers())) {
      SignatureCheck check = trust.check(repo, c);
      return check.trusted() ? null : RecordTrust.untrusted(c, ref, check);
    }
    if (RecordTrust.looksLikeARecord(info.mergedTrailers())) {
      RevCommit side = rw.parseCommit(c.getParent(1));
      SignatureCheck check = trust.check(repo, side);
      return check.trusted() ? null : RecordTrust.untrusted(side, ref, check);
    }
    return null;
  }

  /**
   * The notes that differ between two notes commits: annotated commit id to its note now (null when
   * removed). Reads only the changed part of the notes tree.
   */
  java.util.Map<String, String> notesChanged(ObjectId oldNotes, ObjectId newNotes) {
    java.util.Map<String, String> out = new java.util.LinkedHashMap<>();
    if (java.util.Objects.equals(oldNotes, newNotes) || newNotes == null && oldNotes == null) {
      return out;
    }
    try (ObjectReader reader = repo.newObjectReader(); RevWalk rw = new RevWalk(reader);
         org.eclipse.jgit.treewalk.TreeWalk tw = new org.eclipse.jgit.treewalk.TreeWalk(reader)) {
      NoteMap now = notesMap(reader, rw, newNotes);
      tw.setRecursive(true);
      tw.setFilter(org.eclipse.jgit.treewalk.filter.TreeFilter.ANY_DIFF);
      addTree(tw, rw, oldNotes);
      addTree(tw, rw, newNotes);
      while (tw.next()) {
        String id = tw.getPathString().replace("/", "");
        if (!ObjectId.isId(id)) {
          continue;
        }
        out.put(id, noteText(reader, now, ObjectId.fromString(id)));
      }
    } catch (IOException e) {
      throw diagnosis.readFailure(newNotes == null ? null : newNotes.name(), EnvRepo.NOTES_REF, e);
    }
    return out;
  }

  private static void addTree(org.eclipse.jgit.treewalk.TreeWalk tw, RevWalk rw, ObjectId commit) throws IOException {
    if (commit == null) {
      tw.addTree(new org.eclipse.jgit.treewalk.EmptyTreeIterator());
    } else {
      tw.addTree(rw.parseCommit(commit).getTree());
    }
  }

  /** The newest commit from {@code head} (not reachable from {@code since}) that changed {@code path}. */
  Optional<CommitInfo> lastChangeOf(String path, ObjectId head, ObjectId since, ObjectId notesHead) {
    try (ObjectReader reader = repo.newObjectReader(); RevWalk rw = new RevWalk(reader)) {
      rw.setTreeFilter(org.eclipse.jgit.treewalk.filter.AndTreeFilter.create(
          org.eclipse.jgit.treewalk.filter.PathFilter.create(path), org.eclipse.jgit.treewalk.filter.TreeFilter.ANY_DIFF));
      rw.markStart(rw.parseCommit(head));
      if (since != null) {
        rw.markUninteresting(rw.parseCommit(since));
      }
      RevCommit c = rw.next();
      return c == null ? Optional.empty() : Optional.of(info(reader, notesMap(reader, rw, notesHead), c));
    } catch (IOException e) {
      throw diagnosis.readFailure(head.name(), path, e);
    }
  }

  static CommitInfo info(ObjectReader reader, NoteMap notes, RevCommit c) throws IOException {
    String msg = c.getFullMessage();
    // a merge commit (a pull request merged with one) carries the promotion in its second parent
    List<Trailer> merged = List.of();
    if (c.getParentCount() > 1) {
      try (RevWalk second = new RevWalk(reader)) {
        merged = Trailers.parse(second.parseCommit(c.getParent(1)).getFullMessage());
      }
    }
    return new CommitInfo(c.name(), c.getParentCount() == 0 ? null : c.getParent(0).name(),
        Instant.ofEpochSecond(c.getCommitTime()), c.getAuthorIdent().getName(), c.getShortMessage(),
        msg, Trailers.parse(msg), noteText(reader, notes, c), merged);
  }

  /** The note on {@code commit} in the notes commit {@code notesHead}. */
  Optional<String> note(ObjectId notesHead, ObjectId commit, String shownCommit) {
    try (ObjectReader reader = repo.newObjectReader(); RevWalk rw = new RevWalk(reader)) {
      return Optional.ofNullable(noteText(reader, notesMap(reader, rw, readableNotes(notesHead, new ArrayList<>())),
          commit));
    } catch (IOException e) {
      throw diagnosis.readFailure(shownCommit, EnvRepo.NOTES_REF, e);
    }
  }

  /** Whether {@code ancestor} is {@code descendant} or reachable from it; false when not in the mirror. */
  boolean isAncestor(ObjectId ancestor, ObjectId descendant) throws IOException {
    if (!repo.getObjectDatabase().has(descendant) || !repo.getObjectDatabase().has(ancestor)) {
      return false;
    }
    try (RevWalk rw = new RevWalk(repo)) {
      return rw.isMergedInto(rw.parseCommit(ancestor), rw.parseCommit(descendant));
    }
  }

  static NoteMap notesMap(ObjectReader reader, RevWalk rw, ObjectId notesCommit) throws IOException {
    return notesCommit == null ? NoteMap.newEmptyMap() : NoteMap.read(reader, rw.parseCommit(notesCommit));
  }

  static String noteText(ObjectReader reader, NoteMap map, ObjectId commit) throws IOException {
    ObjectId blob = map.get(commit);
    return blob == null ? null : new String(reader.open(blob).getBytes(), StandardCharsets.UTF_8);
  }
}
