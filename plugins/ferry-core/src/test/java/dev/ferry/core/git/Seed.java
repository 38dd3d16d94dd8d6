package dev.ferry.core.git;

import dev.ferry.core.FerryException;
import dev.ferry.testing.GitDaemon.Git;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.eclipse.jgit.lib.PersonIdent;

/** Builds environment repositories with the git CLI, as a platform team would, and checks them. */
final class Seed {

  static final PersonIdent BOT = new PersonIdent("Ferry Bot", "ferry@example.com");

  private Seed() {
  }

  /** Commits {@code files} on {@code main} of the (empty or not) bare repository through a clone. */
  static void commit(Path bare, Path work, String message, Map<String, String> files) throws IOException {
    if (!Files.exists(work.resolve(".git"))) {
      Files.createDirectories(work);
      Git.run(work, "init", "-q", "-b", "main");
    } else {
      Git.run(work, "fetch", "-q", bare.toString(), "main");
      Git.run(work, "reset", "-q", "--hard", "FETCH_HEAD");
    }
    for (Map.Entry<String, String> f : files.entrySet()) {
      Path p = work.resolve(f.getKey());
      Files.createDirectories(p.getParent());
      Files.writeString(p, f.getValue());
    }
    Git.run(work, "add", "-A");
    Git.run(work, "commit", "-q", "-m", message);
    Git.run(work, "push", "-q", bare.toString(), "HEAD:main");
  }

  static String git(Path dir, String... args) throws IOException {
    return Git.run(dir, args).trim();
  }

  static List<String> lines(String text) {
    return text.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
  }

  /** A change that sets the file to one line {@code image: <value>}. */
  static FileChange setImage(String value) {
    return (path, current) -> {
      String next = "image: " + value + "\n";
      return next.equals(current) ? current : next;
    };
  }

  static ChangeSet promotion(String service, String path, String image, String promotionId) {
    return new ChangeSet(Map.of(path, setImage(image)), "Promote " + service + " to " + image, "",
        List.of(new Trailer("Ferry-Service", service), new Trailer("Ferry-Image", image),
            new Trailer("Ferry-Environment", "dev"), new Trailer("Ferry-Promotion-Id", promotionId)),
        null);
  }

  static int exitCode(Throwable t) {
    return ((FerryException) t).exitCode();
  }
}
