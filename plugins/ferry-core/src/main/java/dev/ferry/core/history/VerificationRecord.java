package dev.ferry.core.history;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One run of an environment's gates, kept in the note of the promotion commit it verified.
 *
 * @param environment where the gates ran
 * @param images service → image (with digest) that were deployed and checked
 * @param passed whether every gate passed
 * @param at when the run finished
 * @param commit the environment repository commit the gates saw
 * @param gates each gate's outcome: name, status, reason, values seen, times
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record VerificationRecord(
    String environment,
    Map<String, String> images,
    boolean passed,
    Instant at,
    String commit,
    List<Map<String, Object>> gates) {

  public VerificationRecord {
    images = images == null ? Map.of() : Map.copyOf(images);
    gates = gates == null ? List.of() : List.copyOf(gates);
  }
}
