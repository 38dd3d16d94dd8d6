package dev.ferry.serve;

import dev.ferry.core.config.EnvironmentConfig;
import dev.ferry.core.config.FerryConfig;
import dev.ferry.core.history.History;
import dev.ferry.core.history.PromotionRecord;
import dev.ferry.core.history.VerificationRecord;
import dev.ferry.core.image.ImageRef;
import dev.ferry.core.promote.Promoter;
import dev.ferry.core.promote.Status;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What the dashboard shows, read once through the core ({@link Status}, {@link History}) and then
 * rendered by every request until the next read: pages never wait for git.
 *
 * <pre>{@code
 * Board board = Board.read(promoter, Instant.now());
 * board.cell("web", "staging").map(Status.Cell::image);
 * }</pre>
 */
public final class Board {

  /** A cell's state as the dashboard shows it: the core's, or {@link #OUTSIDE} when git says Ferry did not write it. */
  public static final String OUTSIDE = "changed outside Ferry";

  /** One event in a service's timeline. */
  public record Event(Instant at, String environment, String kind, String image, String by, String approvedBy,
      String source, String commit, String detail, List<Map<String, Object>> gates) {
  }

  private final FerryConfig config;
  private final Status status;
  private final Map<String, History> histories;
  private final Instant readAt;
  private final Map<String, Status.Cell> cells = new HashMap<>();
  private final Map<String, String> states = new HashMap<>();
  private final Map<String, List<Status.Block>> blocksByCell = new HashMap<>();
  private final Map<String, ImageRef> images = new HashMap<>();
  private final Map<String, String> nextOf = new HashMap<>();

  public Board(FerryConfig config, Status status, Map<String, History> histories, Instant readAt) {
    this.config = config;
    this.status = status;
    this.histories = Collections.unmodifiableMap(new LinkedHashMap<>(histories));
    this.readAt = readAt;
    for (String env : config.environmentOrder()) {
      config.environment(env).after().ifPresent(up -> nextOf.putIfAbsent(up, env));
    }
    for (Status.Cell c : status.cells()) {
      cells.put(key(c.service(), c.environment()), c);
      images.put(key(c.service(), c.environment()), ImageRef.parse(c.image()));
      states.put(key(c.service(), c.environment()), stateOf(c));
    }
    for (Status.Block b : status.blocks()) {
      blocksByCell.computeIfAbsent(key(b.service(), b.environment()), k -> new ArrayList<>()).add(b);
    }
  }

  /** Reads the status and the history of every environment through the promoter (which fetches). */
  public static Board read(Promoter promoter, Instant now) {
    Status status = Status.read(promoter);
    Map<String, History> histories = new LinkedHashMap<>();
    for (String env : promoter.config().environmentOrder()) {
      histories.put(env, promoter.historyOf(env));
    }
    return new Board(promoter.config(), status, histories, now);
  }

  private static String key(String service, String environment) {
    return service + '\n' + environment;
  }

  /**
   * The core's state, unless the image at the branch head is not the one Ferry's last record for it
   * wrote: then someone edited the file by hand (or another tool did), which the page must say.
   */
  private String stateOf(Status.Cell c) {
    History history = histories.get(c.environment());
    Optional<PromotionRecord> last = history == null ? Optional.empty() : history.lastChange(c.environment(), c.service());
    if (last.isEmpty()) {
      return OUTSIDE;
    }
    String recorded = last.get().images().get(c.service());
    return recorded != null && ImageRef.parse(recorded).sameVersion(images.get(key(c.service(), c.environment())))
        ? c.state() : OUTSIDE;
  }

  public FerryConfig config() {
    return config;
  }

  public Status status() {
    return status;
  }

  public Instant readAt() {
    return readAt;
  }

  public List<String> environments() {
    return status.environments();
  }

  public List<String> services() {
    return List.copyOf(config.services().keySet());
  }

  public Optional<Status.Cell> cell(String service, String environment) {
    return Optional.ofNullable(cells.get(key(service, environment)));
  }

  /** The state shown for a cell: verified, pending, failed, blocked, or changed outside Ferry. */
  public String state(Status.Cell cell) {
    return states.getOrDefault(key(cell.service(), cell.environment()), cell.state());
  }

  /** The environment that comes {@code after} this one, if any: where its verified versions go next. */
  public Optional<String> next(String environment) {
    return Optional.ofNullable(nextOf.get(environment));
  }

  /** The parsed image of a service in an environment, when it has one. */
  public Optional<ImageRef> image(String service, String environment) {
    return Optional.ofNullable(images.get(key(service, environment)));
  }

  /**
   * The upstream image that waits for a person's approval to enter {@code environment}: verified
   * upstream, not yet here, not blocked here; only for environments with {@code approval: required}.
   */
  public Optional<String> awaitingApproval(String service, String environment) {
    EnvironmentConfig env = config.environment(environment);
    if (!env.approvalRequired() || env.after().isEmpty()) {
      return Optional.empty();
    }
    Optional<Status.Cell> up = cell(service, env.after().get());
    if (up.isEmpty() || !Status.VERIFIED.equals(state(up.get()))) {
      return Optional.empty();
    }
    ImageRef candidate = images.get(key(service, env.after().get()));
    Optional<ImageRef> here = image(service, environment);
    if (here.isPresent() && here.get().sameVersion(candidate)) {
      return Optional.empty();
    }
    for (Status.Block b : blocks(service, environment)) {
      if (ImageRef.parse(b.image()).sameVersion(candidate)) {
        return Optional.empty();
      }
    }
    return Optional.of(up.get().image());
  }

  /** Blocks in force for one service in one environment. */
  public List<Status.Block> blocks(String service, String environment) {
    return blocksByCell.getOrDefault(key(service, environment), List.of());
  }

  /** Blocks in force, across environments. */
  public List<Status.Block> blocks() {
    return status.blocks();
  }

  /**
   * Everything recorded about a service, newest first, across environments: promotions and
   * rollbacks (with who promoted and approved, and the CI build), verifications with their gates,
   * and the blocks in force.
   */
  public List<Event> timeline(String service) {
    List<Event> events = new ArrayList<>();
    Set<History> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    for (History history : histories.values()) {
      if (!seen.add(history)) {
        continue; // environments that share a repository share its history
      }
      for (PromotionRecord p : history.promotions()) {
        String image = p.images().get(service);
        if (image != null) {
          events.add(new Event(p.time(), p.environment(), p.kind(), image, p.promotedBy(), p.approvedBy(), p.source(),
              p.commit(), p.subject(), List.of()));
        }
      }
      for (String env : config.environmentOrder()) {
        if (histories.get(env) != history) {
          continue;
        }
        for (VerificationRecord v : history.verifications(env)) {
          String image = v.images().get(service);
          if (image != null) {
            events.add(new Event(v.at(), env, v.passed() ? "verified" : "verification failed", image, null, null, null,
                v.commit(), null, v.gates()));
          }
        }
      }
    }
    for (Status.Block b : status.blocks()) {
      if (b.service().equals(service)) {
        events.add(new Event(b.at(), b.environment(), "blocked", b.image(), null, null, null, b.commit(), b.reason(),
            List.of()));
      }
    }
    events.sort(Comparator.comparing(Event::at, Comparator.nullsLast(Comparator.reverseOrder())));
    return events;
  }

  /** Recent promotions and rollbacks of every service, newest first, at most {@code limit}. */
  public List<PromotionRecord> recent(int limit) {
    List<PromotionRecord> all = new ArrayList<>();
    Set<History> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    for (History history : histories.values()) {
      if (seen.add(history)) {
        all.addAll(history.promotions());
      }
    }
    all.sort(Comparator.comparing(PromotionRecord::time, Comparator.nullsLast(Comparator.reverseOrder())));
    return all.subList(0, Math.min(limit, all.size()));
  }
}
