package dev.ferry.core.git;

import dev.ferry.core.ExternalException;
import dev.ferry.core.FerryEvent;
import dev.ferry.core.FerryListener;
import dev.ferry.core.FileTree;
import dev.ferry.core.InputException;
import dev.ferry.core.signing.CommitSigner;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Repository;

/**
 * One environment repository and branch, seen through a local bare mirror: read files at a commit,
 * commit changes built in memory (no checkout), and push them with compare-and-swap, re-applying
 * the changes on the new head when another promoter pushed first. Not for use by several threads
 * at once; several processes and instances may share one cache folder.
 *
 * <p>A facade over units with one reason to change each: {@link MirrorCache} (cache folder and
 * locks), {@link Transports} (connections and credentials), {@link RemoteRefs} (fetch),
 * {@link TreeReader} (files of a commit), {@link LogReader} (history and notes),
 * {@link CommitWriter} (commits built in memory), {@link AtomicPush} (one compare-and-swap push),
 * {@link WriteLoop} (retries), {@link GitDiagnosis} (errors).
 *
 * <pre>{@code
 * try (EnvRepo repo = EnvRepo.open(new RemoteSpec(url, "main", creds), null, listener)) {
 *   PushResult r = repo.commit(new ChangeSet(Map.of("envs/dev/web/values.yaml", bump),
 *       "Promote web 1.4.2 to dev", "", trailers, null), new PersonIdent("Ferry", "ferry@example.com"));
 * }
 * }</pre>
 */
public final class EnvRepo implements AutoCloseable {

  /** The notes ref that carries Ferry's evidence. */
  public static final String NOTES_REF = "refs/notes/ferry";

  /** Where Ferry keeps the state index of a branch: this prefix and the branch name. */
  public static final String STATE_REF_PREFIX = "refs/ferry/state/";


  /**
   * Tuning for tests and benchmarks.
   *
   * @param retry how many pushes and how long to wait between them
   * @param clock committer time (tests pass a fixed clock)
   * @param timeout network timeout of one fetch or push
   * @param committer name and e-mail of the committer; null means the author's
   * @param thin whether a cold cache fetches only the branch head, not the history (the default)
   */
  public record Options(RetryPolicy retry, Clock clock, Duration timeout, PersonIdent committer, boolean thin) {
    public static final Options DEFAULT = new Options(RetryPolicy.DEFAULT, Clock.systemUTC(), Duration.ofSeconds(60));

    public Options(RetryPolicy retry, Clock clock, Duration timeout) {
      this(retry, clock, timeout, null, true);
    }

    public Options(RetryPolicy retry, Clock clock, Duration timeout, PersonIdent committer) {
      this(retry, clock, timeout, committer, true);
    }

    public Options withRetry(RetryPolicy r) {
      return new Options(r, clock, timeout, committer, thin);
    }

    public Options withCommitter(PersonIdent c) {
      return new Options(retry, clock, timeout, c, thin);
    }

    /** Whether a cold cache fetches only the branch head (true) or the whole history. */
    public Options withThin(boolean value) {
      return new Options(retry, clock, timeout, committer, value);
    }
  }

  private final RemoteSpec remote;
  private final String shownUrl;
  private final MirrorCache cache;
  private final GitDiagnosis diagnosis;
  private final Transports transports;
  private final FerryListener listener;
  private final Options options;
  private Repository repo;
  private RemoteRefs refs;
  private TreeReader trees;
  private LogReader logs;
  private WriteLoop writes;
  private CommitWriter writer;
  /** What signs this repository's commits, or null ({@code git.signing}). */
  private CommitSigner signer;
  /** Which records count, or null: all do ({@code git.trust}). */
  private RecordTrust trust;

  private EnvRepo(RemoteSpec remote, Path cacheRoot, FerryListener listener, Options options) {
    this.remote = remote;
    this.shownUrl = RemoteUrl.display(remote.url());
    this.cache = new MirrorCache(cacheRoot, remote.url());
    this.diagnosis = new GitDiagnosis(remote);
    this.transports = new Transports(remote, diagnosis, options.timeout());
    this.listener = listener == null ? FerryListener.NONE : listener;
    this.options = options;
  }

  /** Opens the mirror of {@code remote} under {@code cacheRoot} and fetches the branch and notes. */
  public static EnvRepo open(RemoteSpec remote, Path cacheRoot, FerryListener listener) {
    return open(remote, cacheRoot, listener, Options.DEFAULT);
  }

  public static EnvRepo open(RemoteSpec remote, Path cacheRoot, FerryListener listener, Options options) {
    Objects.requireNonNull(remote, "remote");
    if (remote.url() == null || remote.url().isBlank()) {
      throw new InputException("the repository URL is empty");
    }
    if (remote.branch() == null || !Repository.isValidRefName(Constants.R_HEADS + remote.branch())) {
      throw new InputException("'" + remote.branch() + "' is not a valid branch name (repository "
          + RemoteUrl.display(remote.url()) + ")");
    }
    Path root = cacheRoot != null ? cacheRoot : defaultCacheRoot();
    EnvRepo env = new EnvRepo(remote, root, listener, options);
    try {
      env.wire(env.cache.open(env.shownUrl));
      // A cold cache fetches the branch head alone (and the notes and the state index): what a
      // command needs; history is fetched only when a command walks it.
      boolean cold = env.repo.exactRef(Constants.R_HEADS + remote.branch()) == null;
      env.refs.depth(cold && options.thin() ? 1 : 0);
      try {
        env.fetch();
      } finally {
        env.refs.depth(0);
      }
      return env;
    } catch (IOException e) {
      env.close();
      throw new ExternalException("cannot use the git cache " + env.cache.mirrorDir() + " for " + env.shownUrl
          + ": " + e.getMessage(), "check that FERRY_CACHE points to a writable folder", null);
    } catch (RuntimeException e) {
      env.close();
      throw e;
    }
  }

  private void wire(Repository opened) {
    this.repo = opened;
    this.refs = new RemoteRefs(repo, cache, transports, diagnosis, listener, remote.branch());
    this.trees = new TreeReader(repo, diagnosis, listener, remote.branch());
    this.logs = new LogReader(repo, diagnosis, remote.branch());
    this.writer = new CommitWriter(shownUrl + " " + remote.branch(), options.clock(), options.committer());
    AtomicPush pusher = new AtomicPush(repo, cache, transports, diagnosis, refs, listener);
    this.writes = new WriteLoop(repo, cache, refs, pusher, writer, options.retry(), listener, shownUrl, remote.branch());
  }

  /** {@code FERRY_CACHE}, or {@code ~/.cache/ferry}. */
  public static Path defaultCacheRoot() {
    String env = System.getenv("FERRY_CACHE");
    if (env != null && !env.isBlank()) {
      return Path.of(env);
    }
    return Path.of(System.getProperty("user.home"), ".cache", "ferry");
  }

  /** The repository URL without credentials. */
  public String url() {
    return shownUrl;
  }

  public String branch() {
    return remote.branch();
  }

  /** The commit id of the branch head at the last fetch or push. */
  public String head() {
    return refs.head().name();
  }

  /** Signs every commit this writes from now on: branch, pull-request branch and notes commits; null: none. */
  public void signWith(CommitSigner commitSigner) {
    writer.signWith(commitSigner);
    this.signer = commitSigner;
    queueWhenTrusted();
  }

  /**
   * Creates the branch's commits through a forge's API from now on ({@code git.signing: {format:
   * github}}); notes, the state index and pull-request branches are still pushed by git. Null: all
   * are pushed.
   */
  public void commitThrough(ForgeCommits commits) {
    writes.throughForge(commits);
  }

  /** Reads only records signed by a trusted key from now on (see {@link RecordTrust}); null: all count. */
  public void trustOnly(RecordTrust recordTrust) {
    this.trust = recordTrust;
    logs.trustOnly(recordTrust);
    writer.tellSigned(recordTrust == null ? id -> { } : recordTrust::signedHere);
    writer.notesFrom(recordTrust == null ? head -> head : head -> logs.readableNotes(head, new ArrayList<>()));
    queueWhenTrusted();
  }

  /**
   * Promotions that lose a race queue for the next push to carry, and this one carries them, when
   * records are signed and checked: only then can a carrier tell a queued commit a Ferry promoter
   * signed from one anybody with push access wrote (see {@link PromotionQueue}).
   */
  private void queueWhenTrusted() {
    RecordTrust t = trust;
    writes.carryQueued(t != null && signer != null
        ? new PromotionQueue(repo, remote.branch(), c -> t.check(repo, c).trusted(), options.clock()) : null);
  }

  /** The folder of the bare mirror in the cache. */
  public Path mirror() {
    return cache.mirrorDir();
  }

  // ---------------------------------------------------------------- reading

  public Optional<String> readFile(String commit, String path) {
    return trees.readFile(present(commit), path);
  }

  public boolean isDirectory(String commit, String path) {
    return trees.isDirectory(present(commit), path);
  }

  /** The names directly inside {@code dirPath} ("" for the root), sorted; empty when it is no directory. */
  public List<String> list(String commit, String dirPath) {
    return trees.list(present(commit), dirPath);
  }

  private boolean has(ObjectId id) {
    try {
      return repo.getObjectDatabase().has(id);
    } catch (IOException e) {
      throw diagnosis.readFailure(id.name(), remote.branch(), e);
    }
  }

  /** {@code commit}, fetching the history first when a thin mirror does not hold it (an older commit). */
  private String present(String commit) {
    if (commit != null && ObjectId.isId(commit) && !has(ObjectId.fromString(commit))) {
      wholeHistory();
    }
    return commit;
  }

  /** Writes the files under {@code dirPath} at {@code commit} into {@code target} (for rendering). */
  public void exportTree(String commit, String dirPath, Path target) {
    trees.exportTree(commit, dirPath, target);
  }

  /** First-parent history of the branch, newest first, with trailers and notes. */
  public List<CommitInfo> log(int max) {
    return log(max, message -> false).recent();
  }

  /**
   * First-parent history of the branch, newest first, with trailers and notes: the newest
   * {@code max} commits, and, further back, only those whose message {@code older} accepts (a
   * cheap test of the raw text; at most {@code max * OLDER_SCAN_FACTOR} commits are walked).
   */
  public Log log(int max, Predicate<String> older) {
    wholeHistory();
    return logs.log(refs.head(), refs.notes(), max, older);
  }

  /** Fetches the history a thin cold fetch left out, once, before a command walks it. */
  private void wholeHistory() {
    try {
      if (refs.shallow()) {
        refs.deepen(0);
      }
    } catch (IOException e) {
      throw diagnosis.readFailure(refs.head().name(), remote.branch(), e);
    }
  }

  /**
   * Runs {@code work} on a repository that holds the whole history of the branch: this one when
   * its mirror already does, else a throwaway full mirror in the cache folder, deleted afterwards.
   * The kept mirror thus stays thin: once the state index was built from 200,000 commits, later
   * commands do not load the index of their pack into the heap, nor fetch on top of it.
   *
   * <p>The throwaway fetches the branch as it is now, which may be ahead of this mirror's last
   * fetch, and it holds none of the commits this one made and has not pushed.
   */
  public <T> T withWholeHistory(Function<EnvRepo, T> work) {
    try {
      if (!refs.shallow()) {
        return work.apply(this);
      }
    } catch (IOException e) {
      throw diagnosis.readFailure(refs.head().name(), remote.branch(), e);
    }
    Path dir;
    try {
      dir = cache.newThrowaway();
    } catch (IOException e) {
      throw new ExternalException("cannot make a folder for the history of " + shownUrl + " in the git cache "
          + cache.root() + ": " + e.getMessage(), "check that FERRY_CACHE points to a writable folder", e);
    }
    try (EnvRepo deep = open(remote, dir, listener, options.withThin(false))) {
      deep.trustOnly(trust);
      return work.apply(deep);
    } finally {
      try {
        FileTree.delete(dir);
      } catch (IOException e) {
        listener.on(FerryEvent.warn("git", "could not delete the throwaway mirror " + dir + ": " + e.getMessage()));
      }
    }
  }

  /** Whether this mirror holds {@code commit} (a full id) as fetched or written. */
  public boolean contains(String commit) {
    return commit != null && ObjectId.isId(commit) && has(ObjectId.fromString(commit));
  }

  // ---------------------------------------------------------------- the state index

  /** The ref of this branch's state index, {@code refs/ferry/state/<branch>}. */
  public String stateRef() {
    return refs.stateRef();
  }

  /** The state index commit at the last fetch or push, if the repository has one. */
  public Optional<String> stateTip() {
    return Optional.ofNullable(refs.state()).map(ObjectId::name);
  }

  /** The notes commit at the last fetch or push, if there are notes. */
  public Optional<String> notesTip() {
    return Optional.ofNullable(refs.notes()).map(ObjectId::name);
  }

  /**
   * Every commit of the branch after {@code base} up to {@code head} (all parents: the commits a
   * merge brought in count), oldest first, with notes as of {@code notes}, of the newest {@code max}
   * walked; commits with neither a {@code Ferry-} trailer nor a note are left out, since they record
   * no state. {@code base} null: from the start. A thin mirror is deepened to reach {@code base}.
   */
  public List<CommitInfo> commitsSince(String base, String head, String notes, int max) {
    return commitsSince(base, head, notes, max, new ArrayList<>());
  }

  /**
   * {@link #commitsSince(String, String, String, int)}; with {@code git.trust}, the commits that
   * record something without a trusted signature are left out and added to {@code untrusted}.
   */
  public List<CommitInfo> commitsSince(String base, String head, String notes, int max, List<UntrustedRecord> untrusted) {
    ObjectId h = trees.resolve(head);
    ObjectId b = base == null ? null : reachable(base, h);
    ObjectId n = notes == null ? null : ObjectId.fromString(notes);
    return logs.since(b, h, n, max, untrusted);
  }

  /**
   * The notes commit whose notes count, given the notes head {@code notes}: itself, or with
   * {@code git.trust} the newest one a trusted key signed (null when none is); the notes commits
   * passed over are added to {@code skipped}.
   */
  public String readableNotes(String notes, List<UntrustedRecord> skipped) {
    if (notes == null) {
      return null;
    }
    try {
      ObjectId readable = logs.readableNotes(ObjectId.fromString(notes), skipped);
      return readable == null ? null : readable.name();
    } catch (IOException e) {
      throw diagnosis.readFailure(notes, NOTES_REF, e);
    }
  }

  /**
   * Whether the state index is signed when written and its signature checked when read: {@code
   * git.trust} is set and Ferry signs with a key of its own (not {@code format: github}, which
   * cannot sign refs outside {@code refs/heads}).
   */
  public boolean checksIndexSignature() {
    return trust != null && signer != null;
  }

  /**
   * With {@code git.trust}, why {@code commit} does not carry a trusted signature ("unsigned",
   * "signed by a key not in ..."); empty when it does, or when nothing is checked.
   */
  public Optional<String> untrustedBecause(String commit) {
    if (trust == null) {
      return Optional.empty();
    }
    try (org.eclipse.jgit.revwalk.RevWalk rw = new org.eclipse.jgit.revwalk.RevWalk(repo)) {
      dev.ferry.core.signing.SignatureCheck check = trust.check(repo, rw.parseCommit(trees.resolve(commit)));
      return check.trusted() ? Optional.empty()
          : Optional.of(check.reason() + (check.signer() == null ? "" : " (" + check.signer() + ")"));
    } catch (IOException e) {
      throw diagnosis.readFailure(commit, remote.branch(), e);
    }
  }

  /**
   * Whether {@code base} is {@code head} or one of its ancestors, deepening a thin mirror as far
   * as needed to know.
   */
  public boolean isAncestor(String base, String head) {
    return base != null && ObjectId.isId(base) && reachable(base, trees.resolve(head)) != null;
  }

  /**
   * How deep a thin mirror is fetched, step by step, to find a commit before the whole history:
   * the base is usually a few commits behind (the branch moved without Ferry since the state
   * index), and the whole history of a busy repository is what a thin path avoids.
   */
  private static final int[] DEEPEN_STEPS = {64, 2_048};

  /** {@code base} when it is an ancestor of {@code head}, else null; deepens a thin mirror to see. */
  private ObjectId reachable(String base, ObjectId head) {
    ObjectId b = ObjectId.fromString(base);
    try {
      if (logs.isAncestor(b, head)) {
        return b;
      }
      for (int depth : DEEPEN_STEPS) {
        if (!refs.shallow()) {
          return null;
        }
        refs.deepen(depth);
        if (logs.isAncestor(b, head)) {
          return b;
        }
      }
      if (!refs.shallow()) {
        return null;
      }
      refs.deepen(0);
      return logs.isAncestor(b, head) ? b : null;
    } catch (IOException e) {
      throw diagnosis.readFailure(base, remote.branch(), e);
    }
  }

  /**
   * The newest commit of the branch that changed {@code path} after {@code since} (null: in the
   * whole history): who changed a file when Ferry did not.
   */
  public Optional<CommitInfo> lastChangeOf(String path, String since) {
    RepoPath.check(path);
    ObjectId head = refs.head();
    ObjectId s = since == null ? null : reachable(since, head);
    if (s == null) {
      wholeHistory();
    }
    return logs.lastChangeOf(path, head, s, refs.notes());
  }

  /** The notes that changed between two notes commits: annotated commit to note (null: removed). */
  public Map<String, String> notesChanged(String oldNotes, String newNotes) {
    ObjectId old = oldNotes == null ? null : ObjectId.fromString(oldNotes);
    if (old != null && !has(old)) {
      // a thin fetch took the notes tip alone: every note counts as changed
      old = null;
    }
    return logs.notesChanged(old, newNotes == null ? null : ObjectId.fromString(newNotes));
  }

  /** Brings {@code side} up to date with the branch and notes as fetched, alone in its push. */
  public void updateSide(SideRef side) {
    writes.updateSide(side);
  }

  /** How much further back than its window {@link #log(int, Predicate)} looks for older commits. */
  public static final int OLDER_SCAN_FACTOR = 40;

  /**
   * A read of the history.
   *
   * @param recent the newest commits, newest first
   * @param older further back, the commits that were asked for, newest first
   * @param untrusted with {@code git.trust}: the commits with Ferry's trailers and the notes
   *     commits that no trusted key signed, left out of the above
   */
  public record Log(List<CommitInfo> recent, List<CommitInfo> older, List<UntrustedRecord> untrusted) {
    public Log {
      recent = List.copyOf(recent);
      older = List.copyOf(older);
      untrusted = List.copyOf(untrusted);
    }

    public Log(List<CommitInfo> recent, List<CommitInfo> older) {
      this(recent, older, List.of());
    }
  }

  /** The {@code refs/notes/ferry} note on {@code commit}, as of the last fetch. */
  public Optional<String> note(String commit) {
    return logs.note(refs.notes(), trees.resolve(commit), commit);
  }

  /**
   * Whether {@code revision} is {@code commit} or comes after it on the branch: what a deployment
   * tool synced to a later head has also deployed. Fetches once when {@code revision} is not known
   * yet; an unknown or malformed revision is not a descendant.
   */
  public boolean includes(String revision, String commit) {
    if (revision == null || !ObjectId.isId(revision)) {
      return false;
    }
    ObjectId id = ObjectId.fromString(revision);
    try {
      if (!repo.getObjectDatabase().has(id)) {
        fetch();
      }
      return logs.isAncestor(trees.resolve(commit), id);
    } catch (IOException e) {
      throw diagnosis.readFailure(revision, remote.branch(), e);
    }
  }

  // ---------------------------------------------------------------- writing

  /** Applies the changes at the branch head, commits, and pushes; re-applies when the branch moved. */
  public PushResult commit(ChangeSet changes, PersonIdent author) {
    return writes.writeBranch(remote.branch(), changes, author, false);
  }

  /** {@link #commit(ChangeSet, PersonIdent)}, with {@code side} rewritten in the same atomic push. */
  public PushResult commit(ChangeSet changes, PersonIdent author, SideRef side) {
    return writes.writeBranch(remote.branch(), changes, author, false, side);
  }

  /**
   * Pull-request mode: commits the changes on top of {@link #branch()}'s head and pushes that commit
   * to {@code branchName} (created or replaced). When {@code branchName} already holds the same tree,
   * nothing is pushed.
   */
  public PushResult pushBranch(String branchName, ChangeSet changes, PersonIdent author) {
    if (branchName == null || !Repository.isValidRefName(Constants.R_HEADS + branchName)
        || branchName.equals(remote.branch())) {
      throw new InputException("'" + branchName + "' is not a valid pull-request branch name for "
          + shownUrl + " (it must differ from " + remote.branch() + ")");
    }
    return writes.writeBranch(branchName, changes, author, true);
  }

  /**
   * Updates notes under {@code refs/notes/ferry}: each function gets a commit's current note (or
   * null) and returns the new one (null removes it). On a race the functions run again on the
   * notes another writer pushed, so both updates survive.
   */
  public void updateNotes(Map<String, UnaryOperator<String>> updates) {
    updateNotes(updates, null);
  }

  /** {@link #updateNotes(Map)}, with {@code side} (null: none) rewritten in the same atomic push. */
  public void updateNotes(Map<String, UnaryOperator<String>> updates, SideRef side) {
    Map<ObjectId, UnaryOperator<String>> byId = new LinkedHashMap<>();
    updates.forEach((commit, f) -> byId.put(trees.resolve(commit), f));
    writes.updateNotes(byId, side);
  }

  /** Fetches the branch and the notes into the mirror. */
  public void fetch() {
    refs.fetch(options.retry());
  }

  /** How many times {@link #fetch()} tries before the failure is the answer. */
  static final int FETCH_ATTEMPTS = 3;

  @Override
  public void close() {
    if (repo != null) {
      repo.close();
    }
    transports.close();
  }
}
