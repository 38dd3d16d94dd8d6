package dev.ferry.core.git;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * One commit of an environment branch, with its trailers and its {@code refs/notes/ferry} note.
 *
 * <pre>{@code repo.log(20).stream().filter(c -> c.trailer("Ferry-Service").equals(Optional.of("web")))}</pre>
 *
 * @param mergedTrailers for a merge commit, the trailers of the commit it merged in (its second
 *     parent: a pull request's promotion commit); empty otherwise
 */
public record CommitInfo(String id, String parent, Instant time, String authorName, String subject,
    String message, List<Trailer> trailers, String note, List<Trailer> mergedTrailers) {

  public CommitInfo {
    trailers = List.copyOf(trailers);
    mergedTrailers = List.copyOf(mergedTrailers);
  }

  public CommitInfo(String id, String parent, Instant time, String authorName, String subject,
      String message, List<Trailer> trailers, String note) {
    this(id, parent, time, authorName, subject, message, trailers, note, List.of());
  }

  /** Every value of trailer {@code key} (case-insensitive), in order. */
  public List<String> trailers(String key) {
    return trailers.stream().filter(t -> t.key().equalsIgnoreCase(key)).map(Trailer::value).toList();
  }

  /** The last value of trailer {@code key}, as git's {@code trailer.ifExists} readers take it. */
  public Optional<String> trailer(String key) {
    List<String> values = trailers(key);
    return values.isEmpty() ? Optional.empty() : Optional.of(values.get(values.size() - 1));
  }
}
