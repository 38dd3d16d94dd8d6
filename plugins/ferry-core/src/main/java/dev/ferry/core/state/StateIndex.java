package dev.ferry.core.state;

import com.fasterxml.jackson.core.JsonParseException;
import dev.ferry.core.InputException;
import dev.ferry.core.git.CommitInfo;
import dev.ferry.core.git.EnvRepo;
import dev.ferry.core.git.FileChange;
import dev.ferry.core.git.UntrustedRecord;
import dev.ferry.core.history.BlockRecord;
import dev.ferry.core.history.Evidence;
import dev.ferry.core.history.History;
import dev.ferry.core.history.PromotionRecord;
import dev.ferry.core.history.VerificationRecord;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Ferry's state index of one environment branch: for every environment and service, the current
 * promotion, the verifications of recent versions and the blocks, as of a base commit of the
 * branch and a notes commit. It lives in git, under {@code refs/ferry/state/<branch>}, as a tree
 * of small JSON files ({@code index.json}, {@code <env>/<service>.json}), and is derived data:
 * {@link #apply(CommitInfo)} and {@link #applyNote} bring it forward from exactly what the commits
 * and notes say.
 *
 * <pre>{@code
 * StateIndex index = StateIndex.read(repo, repo.stateTip().orElseThrow());
 * History history = index.history();
 * }</pre>
 */
public final class StateIndex {

  /** The version of the index's layout; another version is rebuilt, never misread. */
  public static final int FORMAT = 1;
  static final String INDEX_FILE = "index.json";
  /** With {@code git.trust}: the records that did not count, newest first (for status and doctor). */
  static final String UNTRUSTED_FILE = "untrusted.json";
  /** How many untrusted records the index keeps. */
  static final int UNTRUSTED_KEPT = 50;
  static final String APPROVAL_SOURCE = "Ferry-Approval-Source";
  /** Environment and service names that are safe as one path segment. */
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]{0,99}");

  /** {@code index.json}: what the index is up to date with. */
  record Header(int format, String branch, String base, String notes, long seq) {
  }

  private final String branch;
  private String base;
  private String notes;
  private long seq;
  private final TreeMap<String, ServiceState> services = new TreeMap<>();
  private final List<UntrustedRecord> untrusted = new ArrayList<>();

  private StateIndex(String branch, String base, String notes, long seq) {
    this.branch = branch;
    this.base = base;
    this.notes = notes;
    this.seq = seq;
  }

  /** An index that knows nothing yet (to be built from history). */
  public static StateIndex empty(String branch) {
    return new StateIndex(branch, null, null, 0);
  }

  /**
   * Reads the index at {@code tip}. A file that is not what Ferry writes (corrupt, hand-edited) is
   * an error naming it, with the command that rebuilds the index.
   */
  public static StateIndex read(EnvRepo repo, String tip) {
    String where = repo.stateRef() + " (" + tip.substring(0, 12) + ") in " + repo.url();
    Header h = parse(repo, tip, INDEX_FILE, StateJson.READ_HEADER, where);
    if (h.format() != FORMAT || h.base() == null || !isId(h.base()) || (h.notes() != null && !isId(h.notes()))) {
      throw corrupt(where, INDEX_FILE, "expected format " + FORMAT + " with a base commit id, found format "
          + h.format() + ", base " + h.base());
    }
    StateIndex index = new StateIndex(repo.branch(), h.base(), h.notes(), h.seq());
    for (String env : repo.list(tip, "")) {
      if (env.equals(INDEX_FILE)) {
        continue;
      }
      if (env.equals(UNTRUSTED_FILE)) {
        index.untrusted.addAll(parse(repo, tip, UNTRUSTED_FILE, StateJson.READ_UNTRUSTED, where));
        continue;
      }
      for (String file : repo.list(tip, env)) {
        String path = env + "/" + file;
        if (!file.endsWith(".json")) {
          throw corrupt(where, path, "not a file Ferry writes (expected <env>/<service>.json)");
        }
        ServiceState s = parse(repo, tip, path, StateJson.READ_SERVICE, where);
        String service = file.substring(0, file.length() - ".json".length());
        if (!env.equals(s.environment()) || !service.equals(s.service())) {
          throw corrupt(where, path, "names environment '" + s.environment() + "' and service '" + s.service()
              + "', not those of its path");
        }
        check(s, where, path);
        index.services.put(env + "/" + service, s);
      }
    }
    return index;
  }

  private static void check(ServiceState s, String where, String path) {
    for (ServiceState.Change c : s.changes()) {
      if (c.commit() == null || !isId(c.commit()) || c.time() == null || c.kind() == null) {
        throw corrupt(where, path, "a change without a commit id, time or kind");
      }
    }
    for (ServiceState.Verified v : s.verifications()) {
      if (v.image() == null || v.at() == null) {
        throw corrupt(where, path, "a verification without an image or time");
      }
    }
    for (ServiceState.Blocked b : s.blocks()) {
      if (b.image() == null || b.at() == null || b.commit() == null || !isId(b.commit())) {
        throw corrupt(where, path, "a block without an image, time or commit id");
      }
    }
  }

  private static <T> T parse(EnvRepo repo, String tip, String path, StateJson.Read<T> reader, String where) {
    String text = repo.readFile(tip, path).orElseThrow(() -> corrupt(where, path, "the file is missing"));
    try {
      T value = StateJson.read(text, reader);
      if (value == null) {
        throw corrupt(where, path, "the file is empty");
      }
      return value;
    } catch (JsonParseException e) {
      String line = e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")";
      throw corrupt(where, path, "not valid JSON" + line + ": " + e.getOriginalMessage());
    }
  }

  static InputException corrupt(String where, String path, String what) {
    return new InputException("the state index " + where + " is not valid: " + path + ": " + what, null,
        "rebuild it from the history with 'ferry index rebuild -c ferry.yaml'", null);
  }

  private static boolean isId(String s) {
    return s != null && s.matches("[0-9a-f]{40}");
  }

  /** The branch commit the index is up to date with; null before it was built. */
  public String base() {
    return base;
  }

  /** The notes commit the index is up to date with; null when there were no notes. */
  public String notes() {
    return notes;
  }

  /** Every service in every environment the index knows, by {@code env/service}. */
  public Map<String, ServiceState> services() {
    return java.util.Collections.unmodifiableMap(services);
  }

  public Optional<ServiceState> service(String environment, String service) {
    return Optional.ofNullable(services.get(environment + "/" + service));
  }

  /**
   * Keeps {@code records} (newest first) as untrusted: commits that looked like Ferry's records but
   * no trusted key signed. They never become changes, verifications or blocks; the newest
   * {@value #UNTRUSTED_KEPT} are listed by status and doctor.
   */
  public void untrusted(List<UntrustedRecord> records) {
    List<UntrustedRecord> fresh = new ArrayList<>();
    for (UntrustedRecord r : records) {
      if (untrusted.stream().noneMatch(u -> u.commit().equals(r.commit()))
          && fresh.stream().noneMatch(u -> u.commit().equals(r.commit()))) {
        fresh.add(r);
      }
    }
    untrusted.addAll(0, fresh);
    while (untrusted.size() > UNTRUSTED_KEPT) {
      untrusted.remove(untrusted.size() - 1);
    }
  }

  /** Marks the index up to date with {@code head} and {@code notesCommit}. */
  void at(String head, String notesCommit) {
    this.base = head;
    this.notes = notesCommit;
  }

  /** Learns what one commit of the branch records: its promotion or rollback, and its note. */
  public void apply(CommitInfo c) {
    History.promotionOf(c).ifPresent(p -> {
      if (!NAME.matcher(p.environment()).matches()) {
        return;
      }
      seq++;
      ServiceState.Change change = new ServiceState.Change(seq, p.id(), p.kind(), p.images(), p.commit(), p.parent(),
          p.time(), p.promotedBy(), p.approvedBy(), c.trailer(APPROVAL_SOURCE).orElse(null), p.source(), p.subject(),
          p.sourceCommit(), p.sourceTime());
      for (String service : p.images().keySet()) {
        if (NAME.matcher(service).matches()) {
          update(p.environment(), service, s -> s.withChange(change));
        }
      }
    });
    if (c.note() != null) {
      applyNote(c.id(), c.note());
    }
  }

  /**
   * Learns what the note on {@code commit} says now (null: it was removed): it replaces what the
   * index had from that note. A note that is not Ferry's JSON is not evidence, and is skipped.
   */
  public void applyNote(String commit, String note) {
    Evidence evidence;
    try {
      evidence = Evidence.parse(note);
    } catch (InputException notOurs) {
      evidence = Evidence.EMPTY;
    }
    Map<String, List<ServiceState.Verified>> verified = new LinkedHashMap<>();
    Map<String, List<ServiceState.Blocked>> blocked = new LinkedHashMap<>();
    for (VerificationRecord v : evidence.verifications()) {
      v.images().forEach((service, image) -> verified.computeIfAbsent(v.environment() + "/" + service, k -> new ArrayList<>())
          .add(new ServiceState.Verified(image, v.passed(), v.at(), v.commit(), commit)));
    }
    for (BlockRecord b : evidence.blocks()) {
      blocked.computeIfAbsent(b.environment() + "/" + b.service(), k -> new ArrayList<>())
          .add(new ServiceState.Blocked(b.image(), b.reason(), b.at(), b.by(), b.released(), commit));
    }
    java.util.Set<String> keys = new java.util.TreeSet<>(verified.keySet());
    keys.addAll(blocked.keySet());
    // entries the note no longer holds go too
    services.forEach((k, s) -> {
      if (s.verifications().stream().anyMatch(v -> commit.equals(v.noteOn()))
          || s.blocks().stream().anyMatch(b -> commit.equals(b.commit()))) {
        keys.add(k);
      }
    });
    for (String key : keys) {
      int slash = key.indexOf('/');
      String env = key.substring(0, slash);
      String service = key.substring(slash + 1);
      if (NAME.matcher(env).matches() && NAME.matcher(service).matches()) {
        update(env, service, s -> s.withEvidence(commit, verified.getOrDefault(key, List.of()),
            blocked.getOrDefault(key, List.of())));
      }
    }
  }

  private void update(String env, String service, java.util.function.UnaryOperator<ServiceState> f) {
    services.put(env + "/" + service, f.apply(services.getOrDefault(env + "/" + service, ServiceState.empty(env, service))));
  }

  /** The index as the files of its tree: path to text. */
  public Map<String, String> files() {
    Map<String, String> out = new TreeMap<>();
    out.put(INDEX_FILE, header());
    services.forEach((key, s) -> out.put(key + ".json", StateJson.write(s)));
    if (!untrusted.isEmpty()) {
      out.put(UNTRUSTED_FILE, StateJson.write(untrusted));
    }
    return out;
  }

  private String header() {
    return StateJson.write(new Header(FORMAT, branch, base, notes, seq));
  }

  /**
   * The file changes that turn {@code before} (null: an empty tree) into this index. Only the
   * services whose state differs are written out: a promotion of one service costs one file, not
   * one per service of the repository.
   */
  public Map<String, FileChange> changesFrom(StateIndex before) {
    Map<String, FileChange> out = new LinkedHashMap<>();
    String header = header();
    if (before == null || !header.equals(before.header())) {
      out.put(INDEX_FILE, (p, current) -> header);
    }
    Map<String, ServiceState> old = before == null ? Map.of() : before.services;
    services.forEach((key, state) -> {
      if (!state.equals(old.get(key))) {
        String text = StateJson.write(state);
        out.put(key + ".json", (p, current) -> text);
      }
    });
    old.keySet().stream().filter(k -> !services.containsKey(k)).forEach(k -> out.put(k + ".json", (x, current) -> null));
    List<UntrustedRecord> oldUntrusted = before == null ? List.of() : before.untrusted;
    if (!untrusted.equals(oldUntrusted)) {
      String text = untrusted.isEmpty() ? null : StateJson.write(untrusted);
      out.put(UNTRUSTED_FILE, (p, current) -> text);
    }
    return out;
  }

  /** An index with the same content that can be brought forward without changing this one. */
  StateIndex copy() {
    StateIndex copy = new StateIndex(branch, base, notes, seq);
    copy.services.putAll(services); // the states are immutable records: sharing them is safe
    copy.untrusted.addAll(untrusted);
    return copy;
  }

  /** The state as the query type every command and front end reads. */
  public History history() {
    Map<String, PromotionRecord> byCommit = new LinkedHashMap<>();
    Map<String, Long> order = new LinkedHashMap<>();
    List<VerificationRecord> verifications = new ArrayList<>();
    List<History.BlockEntry> blocks = new ArrayList<>();
    services.values().forEach(s -> {
      for (ServiceState.Change c : s.changes()) {
        byCommit.putIfAbsent(c.commit(), c.record(s.environment()));
        order.merge(c.commit(), c.seq(), Math::max);
      }
      for (ServiceState.Verified v : s.verifications()) {
        verifications.add(new VerificationRecord(s.environment(), Map.of(s.service(), v.image()), v.passed(), v.at(),
            v.commit(), List.of()));
      }
      for (ServiceState.Blocked b : s.blocks()) {
        blocks.add(new History.BlockEntry(b.commit(), b.record(s.environment(), s.service())));
      }
    });
    List<PromotionRecord> promotions = new ArrayList<>(byCommit.values());
    promotions.sort(Comparator.comparing((PromotionRecord p) -> order.get(p.commit())).reversed());
    blocks.sort(Comparator.comparing((History.BlockEntry b) -> b.block().at()).reversed());
    return History.fromRecords(promotions, verifications, blocks, untrusted);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof StateIndex other && Objects.equals(branch, other.branch) && Objects.equals(base, other.base)
        && Objects.equals(notes, other.notes) && seq == other.seq && services.equals(other.services)
        && untrusted.equals(other.untrusted);
  }

  @Override
  public int hashCode() {
    return Objects.hash(branch, base, notes, seq, services, untrusted);
  }
}
