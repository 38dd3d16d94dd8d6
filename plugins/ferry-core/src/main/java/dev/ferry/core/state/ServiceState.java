package dev.ferry.core.state;

import dev.ferry.core.history.BlockRecord;
import dev.ferry.core.history.PromotionRecord;
import dev.ferry.core.image.ImageRef;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One service in one environment, as the state index keeps it in {@code <env>/<service>.json}:
 * its recent changes (the newest is the current promotion), the verifications of its recent
 * versions, and its blocks. Bounded, so a read costs the same at any history length.
 *
 * <pre>{@code ServiceState web = index.service("staging", "web").orElseThrow(); web.current();}</pre>
 *
 * @param environment the environment
 * @param service the service
 * @param changes promotions and rollbacks that wrote this service, newest first
 * @param verifications gate runs of its versions, newest first
 * @param blocks versions blocked here, newest first
 */
public record ServiceState(String environment, String service, List<Change> changes, List<Verified> verifications,
    List<Blocked> blocks) {

  /** How many changes are kept: enough for a rollback to find the promotion it undoes. */
  static final int CHANGES = 10;
  /** How many versions' verifications are kept. */
  static final int VERSIONS = 20;
  /** How many released blocks are kept (active ones are all kept). */
  static final int RELEASED = 10;

  public ServiceState {
    changes = changes == null ? List.of() : List.copyOf(changes);
    verifications = verifications == null ? List.of() : List.copyOf(verifications);
    blocks = blocks == null ? List.of() : List.copyOf(blocks);
  }

  /**
   * A promotion or rollback that wrote this service.
   *
   * @param seq the order in which the index learned of it (commit times may tie or go backwards)
   * @param approvalSource {@code Ferry-Approval-Source}: what recorded the approval, when present
   * @param sourceCommit {@code Ferry-Source-Commit}, when present
   * @param sourceTime {@code Ferry-Source-Time}, when present
   */
    public record Change(long seq, String id, String kind, Map<String, String> images, String commit, String parent,
      Instant time, String promotedBy, String approvedBy, String approvalSource, String source, String subject,
      String sourceCommit, Instant sourceTime) {

    public Change {
      images = images == null ? Map.of() : new LinkedHashMap<>(images);
    }

    PromotionRecord record(String environment) {
      return new PromotionRecord(id, kind, environment, images, commit, parent, time, promotedBy, approvedBy,
          source, subject, sourceCommit, sourceTime);
    }
  }

  /**
   * One gate run that checked this service's image.
   *
   * @param commit the branch commit the gates saw
   * @param noteOn the commit whose note holds the full record
   */
    public record Verified(String image, boolean passed, Instant at, String commit, String noteOn) {
  }

  /**
   * A version blocked here by a rollback.
   *
   * @param commit the rollback commit whose note holds the block (and its release)
   */
    public record Blocked(String image, String reason, Instant at, String by, BlockRecord.Release released,
      String commit) {
    BlockRecord record(String environment, String service) {
      return new BlockRecord(environment, service, image, reason, at, by, released);
    }
  }

  static ServiceState empty(String environment, String service) {
    return new ServiceState(environment, service, List.of(), List.of(), List.of());
  }

  /** The newest change, the promotion or rollback Ferry last wrote. */
  public java.util.Optional<Change> current() {
    return changes.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(changes.get(0));
  }

  ServiceState withChange(Change c) {
    List<Change> all = new ArrayList<>();
    all.add(c);
    changes.stream().filter(old -> !old.commit().equals(c.commit())).limit(CHANGES - 1).forEach(all::add);
    return new ServiceState(environment, service, all, verifications, blocks);
  }

  /** Replaces what the note on {@code noteOn} said about this service. */
  ServiceState withEvidence(String noteOn, List<Verified> verified, List<Blocked> blocked) {
    List<Verified> vs = new ArrayList<>(verifications.stream().filter(v -> !noteOn.equals(v.noteOn())).toList());
    vs.addAll(verified);
    List<Blocked> bs = new ArrayList<>(blocks.stream().filter(b -> !noteOn.equals(b.commit())).toList());
    bs.addAll(blocked);
    return new ServiceState(environment, service, changes, trimVerifications(vs), trimBlocks(bs));
  }

  /**
   * Newest first; for each of the {@link #VERSIONS} newest versions the newest run and the first
   * that passed ({@code after:} and {@code soak:} read the first pass, status the newest run).
   */
  static List<Verified> trimVerifications(List<Verified> all) {
    List<Verified> sorted = new ArrayList<>(all);
    sorted.sort(Comparator.comparing(Verified::at).reversed().thenComparing(Verified::noteOn, Comparator.nullsLast(Comparator.naturalOrder())));
    Map<String, Verified> newest = new LinkedHashMap<>();
    Map<String, Verified> firstPass = new LinkedHashMap<>();
    for (Verified v : sorted) {
      String key = versionKey(v.image());
      newest.putIfAbsent(key, v);
      if (v.passed()) {
        firstPass.put(key, v);
      }
    }
    Set<Verified> keep = new HashSet<>();
    newest.keySet().stream().limit(VERSIONS).forEach(k -> {
      keep.add(newest.get(k));
      if (firstPass.containsKey(k)) {
        keep.add(firstPass.get(k));
      }
    });
    return sorted.stream().filter(keep::contains).toList();
  }

  static List<Blocked> trimBlocks(List<Blocked> all) {
    List<Blocked> sorted = new ArrayList<>(all);
    sorted.sort(Comparator.comparing(Blocked::at).reversed());
    List<Blocked> out = new ArrayList<>(sorted.stream().filter(b -> b.released() == null).toList());
    sorted.stream().filter(b -> b.released() != null).limit(RELEASED).forEach(out::add);
    out.sort(Comparator.comparing(Blocked::at).reversed());
    return out;
  }

  /** The digest when the reference has one (what "the same version" means), else the reference. */
  static String versionKey(String image) {
    try {
      ImageRef ref = ImageRef.parse(image);
      return ref.digestValue().orElse(ref.toString());
    } catch (RuntimeException notAnImage) {
      return Objects.toString(image);
    }
  }
}
