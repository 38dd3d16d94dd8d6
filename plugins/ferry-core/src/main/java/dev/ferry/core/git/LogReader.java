package dev.ferry.core.git;

import dev.ferry.core.ExternalException;
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

  LogReader(Repository repo, GitDiagnosis diagnosis, String branch) {
    this.repo = repo;
    this.diagnosis = diagnosis;
    this.branch = branch;
  }

  /**
   * First-parent history from {@code head}, newest first: the newest {@code max} commits and,
   * further back, those whose message {@code older} accepts, at most {@code max *
   * EnvRepo.OLDER_SCAN_FACTOR} commits walked.
   */
  EnvRepo.Log log(ObjectId head, ObjectId notesHead, int max, Predicate<String> older) {
    List<CommitInfo> recent = new ArrayList<>();
    List<CommitInfo> kept = new ArrayList<>();
    long limit = (long) max * EnvRepo.OLDER_SCAN_FACTOR;
    try (ObjectReader reader = repo.newObjectReader(); RevWalk rw = new RevWalk(reader)) {
      NoteMap notes = notesMap(reader, rw, notesHead);
      rw.setFirstParent(true);
      rw.markStart(rw.parseCommit(head));
      long walked = 0;
      for (RevCommit c = rw.next(); c != null && walked < limit; c = rw.next(), walked++) {
        boolean isRecent = walked < max;
        if (!isRecent && !older.test(c.getFullMessage())) {
          c.disposeBody();
          continue;
        }
        (isRecent ? recent : kept).add(info(reader, notes, c));
      }
      return new EnvRepo.Log(recent, kept);
    } catch (IOException e) {
      throw new ExternalException("cannot read the history of " + diagnosis.shownUrl() + " " + branch + ": "
          + e.getMessage(), e);
    }
  }

  static CommitInfo info(ObjectReader reader, NoteMap notes, RevCommit c) throws IOException {
    String msg = c.getFullMessage();
    return new CommitInfo(c.name(), c.getParentCount() == 0 ? null : c.getParent(0).name(),
        Instant.ofEpochSecond(c.getCommitTime()), c.getAuthorIdent().getName(), c.getShortMessage(),
        msg, Trailers.parse(msg), noteText(reader, notes, c));
  }

  /** The note on {@code commit} in the notes commit {@code notesHead}. */
  Optional<String> note(ObjectId notesHead, ObjectId commit, String shownCommit) {
    try (ObjectReader reader = repo.newObjectReader(); RevWalk rw = new RevWalk(reader)) {
      return Optional.ofNullable(noteText(reader, notesMap(reader, rw, notesHead), commit));
    } catch (IOException e) {
      throw diagnosis.readFailure(shownCommit, EnvRepo.NOTES_REF, e);
    }
  }

  /** Whether {@code ancestor} is {@code descendant} or reachable from it; false when not in the mirror. */
  boolean isAncestor(ObjectId ancestor, ObjectId descendant) throws IOException {
    if (!repo.getObjectDatabase().has(descendant)) {
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
