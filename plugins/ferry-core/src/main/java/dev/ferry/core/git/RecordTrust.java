package dev.ferry.core.git;

import dev.ferry.core.signing.SignatureCheck;
import dev.ferry.core.signing.TrustedSigners;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;

/**
 * Decides which commits count as Ferry's records when {@code git.trust} is set. A branch commit
 * with {@code Ferry-} trailers counts only when a trusted key signed it. The notes are one tree
 * that every notes commit carries forward, so an unsigned commit could slip a forged note in under
 * later signed ones: the notes Ferry reads (and writes on top of) are those of the newest notes
 * commit a trusted key signed; the unsigned notes commits after it are reported and ignored.
 *
 * <pre>{@code
 * RecordTrust trust = new RecordTrust(TrustedSigners.load(config.trust()));
 * if (!trust.counts(repo, commit, ref)) { ... }   // trust.untrusted() lists what did not count
 * }</pre>
 */
public final class RecordTrust {

  /** How many unsigned notes commits are looked through for the newest trusted one. */
  static final int NOTES_SCAN_LIMIT = 10_000;

  private final TrustedSigners signers;
  private final Map<ObjectId, SignatureCheck> checked = new HashMap<>();
  /** Commits this process signed itself, and what checking the first of each committer gave. */
  private final Set<ObjectId> signedHere = new HashSet<>();
  private final Map<String, SignatureCheck> signedHereBy = new HashMap<>();

  public RecordTrust(TrustedSigners signers) {
    this.signers = signers;
  }

  /** Whether a commit with Ferry's trailers counts as a record. Results are kept for this process only. */
  SignatureCheck check(Repository repo, RevCommit commit) {
    return checked.computeIfAbsent(commit.copy(), id -> signedHere.contains(id)
        // the same key over fresh bytes, for the same principal: checked once, not per commit
        ? signedHereBy.computeIfAbsent(commit.getCommitterIdent().getEmailAddress(), who -> signers.check(repo, commit))
        : signers.check(repo, commit));
  }

  /**
   * Notes that this process signed {@code commit} with its own key: its check is the check of the
   * first such commit of the same committer (a retry signs a new commit on each attempt, and a
   * carrier several; verifying each again costs as much as signing it).
   */
  void signedHere(ObjectId commit) {
    signedHere.add(commit.copy());
  }

  /** A commit that did not count, for reports. */
  static UntrustedRecord untrusted(RevCommit c, String ref, SignatureCheck check) {
    PersonIdent a = c.getAuthorIdent();
    String reason = check.reason() + (check.signer() == null ? "" : " (" + check.signer() + ")");
    return new UntrustedRecord(c.name(), ref, a.getName() + " <" + a.getEmailAddress() + ">",
        Instant.ofEpochSecond(c.getCommitTime()), c.getShortMessage(), reason);
  }

  /**
   * The newest trusted notes commit at or before {@code notesHead} (first parents), or null when
   * none is; the notes commits passed over are added to {@code skipped}.
   */
  ObjectId trustedNotes(Repository repo, ObjectId notesHead, List<UntrustedRecord> skipped) throws IOException {
    if (notesHead == null) {
      return null;
    }
    List<UntrustedRecord> passed = new ArrayList<>();
    try (RevWalk rw = new RevWalk(repo)) {
      rw.setFirstParent(true);
      rw.markStart(rw.parseCommit(notesHead));
      int walked = 0;
      for (RevCommit c = rw.next(); c != null && walked < NOTES_SCAN_LIMIT; c = rw.next(), walked++) {
        SignatureCheck check = check(repo, c);
        if (check.trusted()) {
          skipped.addAll(passed);
          return c.copy();
        }
        passed.add(untrusted(c, EnvRepo.NOTES_REF, check));
      }
    }
    skipped.addAll(passed.subList(0, Math.min(passed.size(), 50)));
    return null;
  }

  /** Whether {@code message} carries one of Ferry's trailers, so that its signature matters. */
  static boolean looksLikeARecord(List<Trailer> trailers) {
    return trailers.stream().anyMatch(t -> t.key().regionMatches(true, 0, "Ferry-", 0, 6));
  }
}
