package dev.ferry.cli;

import dev.ferry.core.InputException;
import dev.ferry.core.promote.PromotionRequest.SourceCommit;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;

/**
 * The source commit of a promotion and its time, for lead time: given on the command line, or the
 * time read from the application's checkout the CI job runs in (the working directory).
 */
final class SourceCommits {

  private SourceCommits() {
  }

  /** Null without a commit; without a time and outside a checkout that has it, the commit alone. */
  static SourceCommit of(String sha, String time, Console console) {
    if (sha == null || sha.isBlank()) {
      if (time != null) {
        throw new InputException("--source-time needs --source-commit (or GIT_COMMIT / GITHUB_SHA)");
      }
      return null;
    }
    if (!sha.matches("[0-9a-fA-F]{7,64}")) {
      throw new InputException("--source-commit must be a commit id (7 to 64 hex digits), not '"
          + sha.replaceAll("[^\\x20-\\x7e]", "?") + "'");
    }
    if (time != null) {
      try {
        return new SourceCommit(sha, OffsetDateTime.parse(time).toInstant());
      } catch (DateTimeParseException e) {
        throw new InputException("--source-time must be an ISO-8601 time like 2026-05-01T12:00:00Z (what"
            + " 'git log -1 --format=%cI' prints), not '" + time.replaceAll("[^\\x20-\\x7e]", "?") + "'");
      }
    }
    Instant found = timeInCheckout(sha);
    if (found == null) {
      console.say("ferry: the time of source commit " + sha + " is unknown (not in a git checkout here): lead time"
          + " is not recorded; pass --source-time");
    }
    return new SourceCommit(sha, found);
  }

  private static Instant timeInCheckout(String sha) {
    dev.ferry.core.git.GitConfigSources.install(); // no git process to find /etc/gitconfig
    FileRepositoryBuilder builder = new FileRepositoryBuilder().findGitDir(Path.of("").toAbsolutePath().toFile());
    if (builder.getGitDir() == null) {
      return null;
    }
    try (Repository repo = builder.setMustExist(true).build(); RevWalk walk = new RevWalk(repo)) {
      ObjectId id = repo.resolve(sha + "^{commit}");
      if (id == null) {
        return null;
      }
      RevCommit commit = walk.parseCommit(id);
      return commit.getCommitterIdent().getWhenAsInstant();
    } catch (IOException | RuntimeException e) {
      // a shallow or broken checkout is no reason to refuse a promotion: lead time just goes unrecorded
      return null;
    }
  }
}
