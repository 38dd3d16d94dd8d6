package dev.ferry.core.git;

import dev.ferry.core.InputException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one commit changes: file changes by path (applied in order), the commit message and its
 * trailers, and optionally a note attached to the new commit under {@code refs/notes/ferry}
 * (pushed atomically with the branch).
 *
 * <pre>{@code
 * new ChangeSet(Map.of("envs/dev/web/values.yaml", bump), "Promote web to 1.4.2 in dev", "",
 *     List.of(new Trailer("Ferry-Service", "web")), null);
 * }</pre>
 */
public record ChangeSet(Map<String, FileChange> changes, String subject, String body,
    List<Trailer> trailers, String noteForNewCommit) {

  public ChangeSet {
    changes = Collections.unmodifiableMap(new LinkedHashMap<>(changes));
    trailers = trailers == null ? List.of() : List.copyOf(trailers);
    body = body == null ? "" : body;
    if (subject == null || subject.isBlank() || subject.contains("\n")) {
      throw new InputException("a commit subject must be one non-empty line");
    }
    changes.keySet().forEach(RepoPath::check);
  }

  /** The full commit message: subject, body, then one trailer per line. */
  public String message() {
    StringBuilder m = new StringBuilder(subject.strip()).append('\n');
    if (!body.isBlank()) {
      m.append('\n').append(body.strip()).append('\n');
    }
    if (!trailers.isEmpty()) {
      m.append('\n');
      for (Trailer t : trailers) {
        m.append(t.key()).append(": ").append(t.value()).append('\n');
      }
    }
    return m.toString();
  }
}
