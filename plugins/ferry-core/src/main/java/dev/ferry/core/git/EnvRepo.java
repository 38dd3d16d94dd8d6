package dev.ferry.core.git;

import dev.ferry.core.ExternalException;
import dev.ferry.core.FerryEvent;
import dev.ferry.core.FerryException;
import dev.ferry.core.FerryListener;
import dev.ferry.core.InputException;
import dev.ferry.core.RefusedException;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.eclipse.jgit.errors.NoRemoteRepositoryException;
import org.eclipse.jgit.errors.NotSupportedException;
import org.eclipse.jgit.errors.TransportException;
import org.eclipse.jgit.internal.storage.file.FileRepository;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.NullProgressMonitor;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.StoredConfig;
import org.eclipse.jgit.notes.NoteMap;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.transport.FetchConnection;
import org.eclipse.jgit.transport.FetchResult;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.RemoteRefUpdate;
import org.eclipse.jgit.transport.SshConfigStore;
import org.eclipse.jgit.transport.SshTransport;
import org.eclipse.jgit.transport.Transport;
import org.eclipse.jgit.transport.URIish;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;
import org.eclipse.jgit.transport.sshd.SshdSessionFactory;
import org.eclipse.jgit.transport.sshd.SshdSessionFactoryBuilder;
import org.eclipse.jgit.treewalk.TreeWalk;

/**
 * One environment repository and branch, seen through a local bare mirror: read files at a commit,
 * commit changes built in memory (no checkout), and push them with compare-and-swap, re-applying
 * the changes on the new head when another promoter pushed first. Not for use by several threads
 * at once; several processes and instances may share one cache folder.
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

  private static final String TOPIC = "git";
  private static final Map<String, ReentrantLock> JVM_LOCKS = new ConcurrentHashMap<>();

  /**
   * Tuning for tests and benchmarks.
   *
   * @param retry how many pushes and how long to wait between them
   * @param clock committer time (tests pass a fixed clock)
   * @param timeout network timeout of one fetch or push
   * @param committer name and e-mail of the committer; null means the author's
   */
  public record Options(RetryPolicy retry, Clock clock, Duration timeout, PersonIdent committer) {
    public static final Options DEFAULT = new Options(RetryPolicy.DEFAULT, Clock.systemUTC(), Duration.ofSeconds(60));

    public Options(RetryPolicy retry, Clock clock, Duration timeout) {
      this(retry, clock, timeout, null);
    }

    public Options withRetry(RetryPolicy r) {
      return new Options(r, clock, timeout, committer);
    }

    public Options withCommitter(PersonIdent c) {
      return new Options(retry, clock, timeout, c);
    }
  }

  private final RemoteSpec remote;
  private final String transportUrl;
  private final String shownUrl;
  private final Path mirrorDir;
  private final Path lockFile;
  private final FerryListener listener;
  private final Options options;
  private Repository repo;
  private SshdSessionFactory sshFactory;
  /** The branch and notes as the server advertised them at the last fetch or push. */
  private ObjectId head;
  private ObjectId notesHead;

  private EnvRepo(RemoteSpec remote, Path cacheRoot, FerryListener listener, Options options) {
    this.remote = remote;
    this.transportUrl = RemoteUrl.forTransport(remote.url());
    this.shownUrl = RemoteUrl.display(remote.url());
    String name = RemoteUrl.cacheName(remote.url());
    this.mirrorDir = cacheRoot.resolve(name + ".git");
    this.lockFile = cacheRoot.resolve(name + ".lock");
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
      Files.createDirectories(root);
      env.withLock(env::createMirrorIfMissing);
      env.repo = new FileRepositoryBuilder().setGitDir(env.mirrorDir.toFile()).setBare().build();
      env.fetch();
      return env;
    } catch (IOException e) {
      env.close();
      throw new ExternalException("cannot use the git cache " + env.mirrorDir + " for " + env.shownUrl
          + ": " + e.getMessage(), "check that FERRY_CACHE points to a writable folder", null);
    } catch (RuntimeException e) {
      env.close();
      throw e;
    }
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
    return head.name();
  }

  /** The folder of the bare mirror in the cache. */
  public Path mirror() {
    return mirrorDir;
  }

  // ---------------------------------------------------------------- reading

  public Optional<String> readFile(String commit, String path) {
    RepoPath.check(path);
    try (ObjectReader reader = repo.newObjectReader(); RevWalk rw = new RevWalk(reader)) {
      RevCommit c = rw.parseCommit(resolve(commit));
      try (TreeWalk tw = TreeWalk.forPath(reader, path, c.getTree())) {
        if (tw == null || tw.getFileMode(0) == FileMode.TREE || tw.getFileMode(0) == FileMode.GITLINK) {
          return Optional.empty();
        }
        return Optional.of(new String(reader.open(tw.getObjectId(0)).getBytes(), StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw readFailure(commit, path, e);
    }
  }

  public boolean isDirectory(String commit, String path) {
    String dir = RepoPath.checkDir(path);
    if (dir.isEmpty()) {
      return true;
    }
    try (ObjectReader reader = repo.newObjectReader(); RevWalk rw = new RevWalk(reader)) {
      RevCommit c = rw.parseCommit(resolve(commit));
      try (TreeWalk tw = TreeWalk.forPath(reader, dir, c.getTree())) {
        return tw != null && tw.getFileMode(0) == FileMode.TREE;
      }
    } catch (IOException e) {
      throw readFailure(commit, path, e);
    }
  }

  /** The names directly inside {@code dirPath} ("" for the root), sorted; empty when it is no directory. */
  public List<String> list(String commit, String dirPath) {
    String dir = RepoPath.checkDir(dirPath);
    try (ObjectReader reader = repo.newObjectReader(); RevWalk rw = new RevWalk(reader)) {
      ObjectId tree = subtree(reader, rw.parseCommit(resolve(commit)), dir);
      if (tree == null) {
        return List.of();
      }
      List<String> names = new ArrayList<>();
      try (TreeWalk tw = new TreeWalk(reader)) {
        tw.addTree(tree);
        while (tw.next()) {
          names.add(tw.getNameString());
        }
      }
      return names;
    } catch (IOException e) {
      throw readFailure(commit, dirPath, e);
    }
  }

  /** Writes the files under {@code dirPath} at {@code commit} into {@code target} (for rendering). */
  public void exportTree(String commit, String dirPath, Path target) {
    String dir = RepoPath.checkDir(dirPath);
    try (ObjectReader reader = repo.newObjectReader(); RevWalk rw = new RevWalk(reader)) {
      ObjectId tree = subtree(reader, rw.parseCommit(resolve(commit)), dir);
      if (tree == null) {
        throw new InputException("'" + dirPath + "' is not a directory at " + abbrev(commit) + " of "
            + shownUrl + " " + branch());
      }
      Path root = target.toAbsolutePath().normalize();
      Files.createDirectories(root);
      List<Path> links = new ArrayList<>();
      try (TreeWalk tw = new TreeWalk(reader)) {
        tw.addTree(tree);
        tw.setRecursive(true);
        while (tw.next()) {
          String rel = RepoPath.check(tw.getPathString());
          Path file = root.resolve(rel).normalize();
          FileMode mode = tw.getFileMode(0);
          if (!file.startsWith(root) || mode == FileMode.GITLINK) {
            continue;
          }
          Files.createDirectories(file.getParent());
          byte[] bytes = reader.open(tw.getObjectId(0)).getBytes();
          if (mode == FileMode.SYMLINK) {
            Path link = Path.of(new String(bytes, StandardCharsets.UTF_8));
            // A link may only point inside the exported tree, so rendering never reads outside it.
            if (!link.isAbsolute() && file.getParent().resolve(link).normalize().startsWith(root)) {
              Files.deleteIfExists(file);
              Files.createSymbolicLink(file, link);
              links.add(file);
            } else {
              listener.on(FerryEvent.warn(TOPIC, "skipped symbolic link " + rel + " pointing outside " + dirPath));
            }
            continue;
          }
          Files.write(file, bytes);
          if (mode == FileMode.EXECUTABLE_FILE) {
            file.toFile().setExecutable(true);
          }
        }
      }
      removeEscapingLinks(root, links, dirPath);
    } catch (IOException e) {
      throw new ExternalException("cannot export '" + dirPath + "' of " + shownUrl + " to " + target + ": "
          + e.getMessage(), e);
    }
  }

  /**
   * The textual check above cannot see through a chain of links ({@code up -> ../..} then
   * {@code x -> up/..}): resolve each link on disk now that all are written, and remove those that
   * lead outside the exported tree.
   */
  private void removeEscapingLinks(Path root, List<Path> links, String dirPath) throws IOException {
    Path realRoot = root.toRealPath();
    for (Path link : links) {
      Path real;
      try {
        real = link.toRealPath();
      } catch (IOException dangling) {
        continue; // points at nothing: rendering cannot read through it
      }
      if (!real.startsWith(realRoot)) {
        Files.delete(link);
        listener.on(FerryEvent.warn(TOPIC, "skipped symbolic link " + root.relativize(link)
            + " leading outside " + (dirPath.isEmpty() ? "the repository" : dirPath)));
      }
    }
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
    List<CommitInfo> recent = new ArrayList<>();
    List<CommitInfo> kept = new ArrayList<>();
    long limit = (long) max * OLDER_SCAN_FACTOR;
    try (ObjectReader reader = repo.newObjectReader(); RevWalk rw = new RevWalk(reader)) {
      NoteMap notes = notesMap(reader, rw, notesHead);
      rw.setFirstParent(true);
      rw.markStart(rw.parseCommit(head));
      long walked = 0;
      for (RevCommit c = rw.next(); c != null && walked < limit; c = rw.next(), walked++) {
        boolean isRecent = walked < max;
        if (!isRecent && !older.test(c.getFullMessage())) {
          c.disposeBody();
          continue;
        }
        String msg = c.getFullMessage();
        // a merge commit (a pull request merged with one) carries the promotion in its second parent
        List<Trailer> merged = c.getParentCount() > 1
            ? Trailers.parse(rw.parseCommit(c.getParent(1)).getFullMessage()) : List.of();
        (isRecent ? recent : kept).add(new CommitInfo(c.name(), c.getParentCount() == 0 ? null : c.getParent(0).name(),
            Instant.ofEpochSecond(c.getCommitTime()), c.getAuthorIdent().getName(), c.getShortMessage(),
            msg, Trailers.parse(msg), noteText(reader, notes, c), merged));
      }
      return new Log(recent, kept);
    } catch (IOException e) {
      throw new ExternalException("cannot read the history of " + shownUrl + " " + branch() + ": "
          + e.getMessage(), e);
    }
  }

  /** How much further back than its window {@link #log(int, Predicate)} looks for older commits. */
  public static final int OLDER_SCAN_FACTOR = 40;

  /**
   * A read of the history.
   *
   * @param recent the newest commits, newest first
   * @param older further back, the commits that were asked for, newest first
   */
  public record Log(List<CommitInfo> recent, List<CommitInfo> older) {
    public Log {
      recent = List.copyOf(recent);
      older = List.copyOf(older);
    }
  }

  /** The {@code refs/notes/ferry} note on {@code commit}, as of the last fetch. */
  public Optional<String> note(String commit) {
    try (ObjectReader reader = repo.newObjectReader(); RevWalk rw = new RevWalk(reader)) {
      return Optional.ofNullable(noteText(reader, notesMap(reader, rw, notesHead), resolve(commit)));
    } catch (IOException e) {
      throw readFailure(commit, NOTES_REF, e);
    }
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
        if (!repo.getObjectDatabase().has(id)) {
          return false;
        }
      }
      try (RevWalk rw = new RevWalk(repo)) {
        return rw.isMergedInto(rw.parseCommit(resolve(commit)), rw.parseCommit(id));
      }
    } catch (IOException e) {
      throw readFailure(revision, remote.branch(), e);
    }
  }

  // ---------------------------------------------------------------- writing

  /** Applies the changes at the branch head, commits, and pushes; re-applies when the branch moved. */
  public PushResult commit(ChangeSet changes, PersonIdent author) {
    return writeBranch(remote.branch(), changes, author, false);
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
    return writeBranch(branchName, changes, author, true);
  }

  /**
   * Updates notes under {@code refs/notes/ferry}: each function gets a commit's current note (or
   * null) and returns the new one (null removes it). On a race the functions run again on the
   * notes another writer pushed, so both updates survive.
   */
  public void updateNotes(Map<String, UnaryOperator<String>> updates) {
    Map<ObjectId, UnaryOperator<String>> byId = new LinkedHashMap<>();
    updates.forEach((commit, f) -> byId.put(resolve(commit), f));
    Retries retries = new Retries(NOTES_REF);
    for (int attempt = 1; ; attempt++) {
      int n = attempt;
      Verdict v = locked(() -> {
        if (n > 1 && !refreshed()) {
          return Verdict.NETWORK;
        }
        ObjectId base = notesHead;
        ObjectId newNotes;
        try (ObjectInserter ins = repo.newObjectInserter()) {
          newNotes = buildNotes(ins, base, byId, defaultIdent());
          ins.flush();
        }
        return newNotes == null ? Verdict.DONE : push(List.of(new Update(NOTES_REF, newNotes, base, false)));
      });
      if (v == Verdict.DONE) {
        listener.on(FerryEvent.debug(TOPIC, "notes in " + NOTES_REF + " on " + shownUrl + " are up to date"));
        return;
      }
      retries.failed(attempt, v);
    }
  }

  /** Fetches the branch and the notes into the mirror. */
  public void fetch() {
    // a server that is briefly unreachable (a full accept queue while many pipelines fetch at
    // once) gets a few more tries; a wrong URL, branch or credential fails at once
    Retries retries = new Retries(Constants.R_HEADS + remote.branch(), FETCH_ATTEMPTS);
    for (int attempt = 1; ; attempt++) {
      try {
        fetchOnce();
        return;
      } catch (ExternalException e) {
        lastPushProblem = e.getMessage();
        retries.failed(attempt, Verdict.NETWORK, e);
      }
    }
  }

  /** How many times {@link #fetch()} tries before the failure is the answer. */
  static final int FETCH_ATTEMPTS = 3;

  private void fetchOnce() {
    String b = Constants.R_HEADS + remote.branch();
    listener.on(FerryEvent.debug(TOPIC, "fetching " + b + " and notes from " + shownUrl));
    try {
      FetchResult r = withLock(() -> {
        try (Transport t = openTransport()) {
          return t.fetch(NullProgressMonitor.INSTANCE,
              List.of(new RefSpec("+" + b + ":" + b), new RefSpec("+refs/notes/*:refs/notes/*")));
        }
      });
      Ref h = r.getAdvertisedRef(b);
      if (h == null) {
        throw unknownBranch(remote.branch(), r.getAdvertisedRefs());
      }
      head = h.getObjectId();
      Ref n = r.getAdvertisedRef(NOTES_REF);
      notesHead = n == null ? null : n.getObjectId();
    } catch (IOException e) {
      throw diagnoseFetch(e);
    }
  }

  @Override
  public void close() {
    if (repo != null) {
      repo.close();
    }
    if (sshFactory != null) {
      sshFactory.close();
    }
  }

  // ---------------------------------------------------------------- the write loop

  private record Built(ObjectId commit, ObjectId tree, List<String> changed) {
  }

  private record Update(String ref, ObjectId newId, ObjectId expected, boolean force) {
  }

  private enum Verdict { DONE, MOVED, NETWORK }

  private String lastPushProblem = "";

  private PushResult writeBranch(String target, ChangeSet changes, PersonIdent author, boolean prMode) {
    Retries retries = new Retries(target);
    for (int attempt = 1; ; attempt++) {
      int n = attempt;
      Object outcome = locked(() -> {
        // A retry starts from a fresh head, fetched under the same lock hold as the push, so
        // promoters sharing a cache take turns instead of racing each other.
        if (n > 1 && !refreshed()) {
          return Verdict.NETWORK;
        }
        return writeOnce(n, target, changes, author, prMode);
      });
      if (outcome instanceof PushResult r) {
        return r;
      }
      retries.failed(attempt, (Verdict) outcome);
    }
  }

  /**
   * The retries of one push: lost races (the ref moved) and server failures each count against
   * their own budget of the {@link RetryPolicy}; between attempts, a jittered pause.
   */
  private final class Retries {
    private final String ref;
    private final RetryPolicy policy = options.retry();
    private final int maxFailures;
    private int failures;
    private int races;

    Retries(String ref) {
      this(ref, Integer.MAX_VALUE);
    }

    Retries(String ref, int maxFailures) {
      this.ref = ref;
      this.maxFailures = Math.min(maxFailures, policy.maxAttempts());
    }

    /** Counts a failed attempt; throws when its budget is spent, else waits before the next one. */
    void failed(int attempt, Verdict verdict) {
      if (spent(verdict)) {
        throw gaveUp(ref, attempt, lastProblem(verdict));
      }
      pause(attempt, policy, ref);
    }

    /** Like {@link #failed(int, Verdict)}, rethrowing {@code last} itself when the budget is spent. */
    void failed(int attempt, Verdict verdict, FerryException last) {
      if (spent(verdict)) {
        throw last;
      }
      pause(attempt, policy, ref);
    }

    private boolean spent(Verdict verdict) {
      return verdict == Verdict.MOVED ? ++races >= policy.maxRaces() : ++failures >= maxFailures;
    }
  }

  private <T> T locked(LockedWork<T> work) {
    try {
      return withLock(work);
    } catch (IOException e) {
      throw new ExternalException("cannot lock the git cache " + lockFile + ": " + e.getMessage(),
          "check that FERRY_CACHE points to a writable local folder", e);
    }
  }

  /** Fetches; false (remembering why) when the server did not answer. */
  private boolean refreshed() {
    try {
      fetchOnce();
      return true;
    } catch (ExternalException e) {
      lastPushProblem = e.getMessage();
      return false;
    }
  }

  /** One build and push: a PushResult when done, else the Verdict saying why to retry. */
  private Object writeOnce(int attempt, String target, ChangeSet changes, PersonIdent author, boolean prMode) {
    {
      ObjectId base = head;
      ObjectId notesBase = notesHead;
      List<Update> updates = new ArrayList<>();
      Built built;
      try (ObjectInserter ins = repo.newObjectInserter()) {
        built = build(ins, base, changes, author);
        if (built.commit() == null) {
          listener.on(FerryEvent.info(TOPIC, "already in place on " + shownUrl + " " + remote.branch()
              + " at " + abbrev(base.name()) + ": nothing to push"));
          return new PushResult(base.name(), base.name(), true, attempt, List.of());
        }
        if (prMode) {
          ObjectId existing = remoteBranch(target);
          if (existing != null && sameTree(existing, built.tree())) {
            listener.on(FerryEvent.info(TOPIC, "branch " + target + " on " + shownUrl + " already holds these changes"));
            return new PushResult(existing.name(), base.name(), true, attempt, built.changed());
          }
          updates.add(new Update(Constants.R_HEADS + target, built.commit(), existing, true));
        } else {
          updates.add(new Update(Constants.R_HEADS + target, built.commit(), base, false));
        }
        if (changes.noteForNewCommit() != null) {
          String note = changes.noteForNewCommit();
          ObjectId notes = buildNotes(ins, notesBase, Map.of(built.commit(), old -> note), defaultIdent());
          updates.add(new Update(NOTES_REF, notes, notesBase, false));
        }
        ins.flush();
      } catch (IOException e) {
        throw new ExternalException("cannot build the commit in the cache of " + shownUrl + ": "
            + e.getMessage(), e);
      }
      Verdict v = push(updates);
      if (v == Verdict.DONE) {
        if (!prMode) {
          head = built.commit();
        }
        listener.on(FerryEvent.info(TOPIC, "pushed " + abbrev(built.commit().name()) + " to " + shownUrl + " "
            + target + (attempt > 1 ? " (attempt " + attempt + ")" : "")));
        return new PushResult(built.commit().name(), base.name(), false, attempt, built.changed());
      }
      if (!prMode && built.commit().equals(head)) {
        // The server took the push but the answer was lost; the fetch in push() saw it landed.
        return new PushResult(built.commit().name(), base.name(), false, attempt, built.changed());
      }
      return v;
    }
  }

  private String lastProblem(Verdict v) {
    return v == Verdict.MOVED ? "the branch kept moving (another promoter pushed first)" : lastPushProblem;
  }

  private void pause(int attempt, RetryPolicy retry, String what) {
    long ms = retry.backoffMillis(attempt, ThreadLocalRandom.current());
    listener.on(FerryEvent.progress(TOPIC, what + " on " + shownUrl + " moved or did not answer; retrying in "
        + ms + " ms (attempt " + (attempt + 1) + ")"));
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ExternalException("interrupted while retrying a push to " + shownUrl, e);
    }
  }

  private ExternalException gaveUp(String ref, int attempts, String lastProblem) {
    return new ExternalException("gave up pushing " + ref + " to " + shownUrl + " after " + attempts
        + " attempts: " + lastProblem,
        "run the same promotion again; it continues where it stopped and never applies twice", null);
  }

  /**
   * One compare-and-swap push of all updates (atomic when more than one). DONE when all landed,
   * MOVED when a ref was not where we expected (the state is fetched again), NETWORK when the
   * server did not answer. A refusal on the merits (a hook) throws RefusedException.
   */
  private Verdict push(List<Update> updates) {
    List<RemoteRefUpdate> rus = new ArrayList<>();
    String messages;
    try {
      for (Update u : updates) {
        rus.add(new RemoteRefUpdate(repo, (String) null, u.newId(), u.ref(), u.force(), null,
            u.expected() == null ? ObjectId.zeroId() : u.expected()));
      }
      messages = withLock(() -> {
        try (Transport t = openTransport()) {
          t.setPushAtomic(rus.size() > 1);
          return t.push(NullProgressMonitor.INSTANCE, rus).getMessages();
        }
      });
    } catch (NoRemoteRepositoryException | NotSupportedException e) {
      throw diagnoseFetch(e);
    } catch (IOException e) {
      FerryException credentials = credentialProblem(e);
      if (credentials != null) {
        throw credentials;
      }
      lastPushProblem = scrub(e.getMessage());
      listener.on(FerryEvent.warn(TOPIC, "push to " + shownUrl + " failed: " + lastPushProblem));
      return refetchAfterFailure(updates) ? Verdict.DONE : Verdict.NETWORK;
    }
    boolean allOk = true;
    boolean raced = false;
    String refusal = null;
    for (RemoteRefUpdate ru : rus) {
      switch (ru.getStatus()) {
        case OK, UP_TO_DATE -> { }
        case REJECTED_NONFASTFORWARD, REJECTED_REMOTE_CHANGED -> {
          allOk = false;
          raced = true;
        }
        case REJECTED_OTHER_REASON, REJECTED_NODELETE, NON_EXISTING -> {
          allOk = false;
          if (refusal == null || refusal.contains("atomic")) {
            refusal = ru.getRemoteName() + ": " + Objects.toString(ru.getMessage(), ru.getStatus().name());
          }
        }
        case NOT_ATTEMPTED, AWAITING_REPORT -> allOk = false;
      }
    }
    if (allOk) {
      updateMirrorRefs(updates);
      for (Update u : updates) {
        if (u.ref().equals(NOTES_REF)) {
          notesHead = u.newId();
        }
      }
      return Verdict.DONE;
    }
    if (raced) {
      // The client saw the new ref values: no need to ask again; the next attempt fetches.
      return Verdict.MOVED;
    }
    // A server-side lock failure looks like any other rejection, so look at where the refs are now.
    ObjectId oldHead = head;
    ObjectId oldNotes = notesHead;
    if (refetchAfterFailure(updates)) {
      return Verdict.DONE;
    }
    boolean moved = raced || !Objects.equals(oldHead, head) || !Objects.equals(oldNotes, notesHead)
        || (refusal != null && refusal.contains("lock"))
        // "cannot lock ref 'refs/heads/main': is at X but expected Y": another push landed between
        // the advertisement and the update; a lost race even when the fetch above failed under load
        || (messages != null && messages.contains("cannot lock ref"));
    if (moved) {
      return Verdict.MOVED;
    }
    if (refusal != null) {
      String serverSaid = messages == null || messages.isBlank() ? "" : "; the server said: " + scrub(messages.strip());
      throw new RefusedException(shownUrl + " refused the push (" + scrub(refusal) + ")" + serverSaid,
          "the server's hooks or branch protection refused the change; fix what they report, then run the same promotion again");
    }
    lastPushProblem = "the server did not report the result of the push";
    return Verdict.NETWORK;
  }

  /** Fetches again; true when the updates are in fact on the server (the answer was lost). */
  private boolean refetchAfterFailure(List<Update> updates) {
    try {
      fetchOnce();
    } catch (ExternalException e) {
      lastPushProblem = e.getMessage();
      return false;
    }
    for (Update u : updates) {
      ObjectId now;
      if (u.ref().equals(NOTES_REF)) {
        now = notesHead;
      } else if (u.ref().equals(Constants.R_HEADS + remote.branch())) {
        now = head;
      } else {
        return false;
      }
      if (!u.newId().equals(now)) {
        return false;
      }
    }
    return true;
  }

  private void updateMirrorRefs(List<Update> updates) {
    try {
      withLock(() -> {
        for (Update u : updates) {
          RefUpdate ru = repo.updateRef(u.ref());
          ru.setNewObjectId(u.newId());
          ru.setForceUpdate(true);
          ru.disableRefLog();
          ru.update();
        }
        return null;
      });
    } catch (IOException e) {
      // The mirror's refs only speed up the next fetch; the server holds the truth.
      listener.on(FerryEvent.debug(TOPIC, "could not update the cache's refs: " + e.getMessage()));
    }
  }

  private Built build(ObjectInserter ins, ObjectId base, ChangeSet changes, PersonIdent author)
      throws IOException {
    try (ObjectReader reader = ins.newReader(); RevWalk rw = new RevWalk(reader)) {
      RevCommit baseCommit = rw.parseCommit(base);
      Map<String, ObjectId> edits = new LinkedHashMap<>();
      List<String> changed = new ArrayList<>();
      for (Map.Entry<String, FileChange> e : changes.changes().entrySet()) {
        String path = e.getKey();
        String current = null;
        ObjectId oldBlob = null;
        try (TreeWalk tw = TreeWalk.forPath(reader, path, baseCommit.getTree())) {
          if (tw != null) {
            FileMode mode = tw.getFileMode(0);
            if (mode != FileMode.REGULAR_FILE && mode != FileMode.EXECUTABLE_FILE) {
              throw new InputException("'" + path + "' in " + shownUrl + " " + remote.branch()
                  + " is a " + (mode == FileMode.TREE ? "directory" : "link or submodule") + ", not a file");
            }
            oldBlob = tw.getObjectId(0);
            current = new String(reader.open(oldBlob).getBytes(), StandardCharsets.UTF_8);
          }
        }
        String next = e.getValue().apply(path, current);
        if (Objects.equals(next, current)) {
          continue;
        }
        if (next == null) {
          edits.put(path, TreeEditor.DELETE);
        } else {
          ObjectId blob = ins.insert(Constants.OBJ_BLOB, next.getBytes(StandardCharsets.UTF_8));
          if (blob.equals(oldBlob)) {
            continue;
          }
          edits.put(path, blob);
        }
        changed.add(path);
      }
      ObjectId oldTree = baseCommit.getTree();
      ObjectId tree = edits.isEmpty() ? oldTree : TreeEditor.apply(reader, ins, oldTree, edits);
      if (tree.equals(oldTree)) {
        return new Built(null, tree, List.of());
      }
      PersonIdent who = author == null ? defaultIdent() : author;
      CommitBuilder cb = new CommitBuilder();
      cb.setTreeId(tree);
      cb.setParentId(base);
      cb.setAuthor(who);
      PersonIdent committer = options.committer() == null ? who : options.committer();
      cb.setCommitter(new PersonIdent(committer.getName(), committer.getEmailAddress(), options.clock().instant(),
          who.getZoneId()));
      cb.setEncoding(StandardCharsets.UTF_8);
      cb.setMessage(changes.message());
      return new Built(ins.insert(cb), tree, changed);
    }
  }

  /** A notes commit on top of {@code base} with the updates applied, or null when nothing changes. */
  private ObjectId buildNotes(ObjectInserter ins, ObjectId base, Map<ObjectId, UnaryOperator<String>> updates,
      PersonIdent who) throws IOException {
    try (ObjectReader reader = ins.newReader(); RevWalk rw = new RevWalk(reader)) {
      NoteMap map = notesMap(reader, rw, base);
      boolean changed = false;
      for (Map.Entry<ObjectId, UnaryOperator<String>> e : updates.entrySet()) {
        String old = noteText(reader, map, e.getKey());
        String next = e.getValue().apply(old);
        if (Objects.equals(old, next)) {
          continue;
        }
        if (next == null) {
          map.set(e.getKey(), (ObjectId) null);
        } else {
          map.set(e.getKey(), next, ins);
        }
        changed = true;
      }
      if (!changed) {
        return null;
      }
      CommitBuilder cb = new CommitBuilder();
      cb.setTreeId(map.writeTree(ins));
      if (base != null) {
        cb.setParentId(base);
      }
      cb.setAuthor(who);
      cb.setCommitter(who);
      cb.setMessage("Notes added by Ferry\n");
      return ins.insert(cb);
    }
  }

  private static NoteMap notesMap(ObjectReader reader, RevWalk rw, ObjectId notesCommit) throws IOException {
    return notesCommit == null ? NoteMap.newEmptyMap() : NoteMap.read(reader, rw.parseCommit(notesCommit));
  }

  private static String noteText(ObjectReader reader, NoteMap map, ObjectId commit) throws IOException {
    ObjectId blob = map.get(commit);
    return blob == null ? null : new String(reader.open(blob).getBytes(), StandardCharsets.UTF_8);
  }

  private PersonIdent defaultIdent() {
    return new PersonIdent("Ferry", "ferry@localhost", options.clock().instant(), java.time.ZoneOffset.UTC);
  }

  /** The id of {@code refs/heads/<name>} on the server (fetched into the mirror), or null. */
  private ObjectId remoteBranch(String name) {
    String ref = Constants.R_HEADS + name;
    try {
      return withLock(() -> {
        Ref r;
        try (Transport t = openTransport(); FetchConnection c = t.openFetch()) {
          r = c.getRef(ref);
        }
        if (r == null) {
          return null;
        }
        try (Transport t = openTransport()) {
          t.fetch(NullProgressMonitor.INSTANCE, List.of(new RefSpec("+" + ref + ":" + ref)));
        }
        return r.getObjectId();
      });
    } catch (IOException e) {
      throw diagnoseFetch(e);
    }
  }

  private boolean sameTree(ObjectId commit, ObjectId tree) throws IOException {
    try (RevWalk rw = new RevWalk(repo)) {
      return rw.parseCommit(commit).getTree().equals(tree);
    }
  }

  // ---------------------------------------------------------------- transport and errors

  private Transport openTransport() throws IOException {
    Transport t;
    try {
      t = Transport.open(repo, new URIish(transportUrl));
    } catch (URISyntaxException e) {
      throw new InputException("'" + shownUrl + "' is not a git URL or path: " + scrub(e.getMessage()));
    }
    t.setTimeout((int) Math.max(1, options.timeout().toSeconds()));
    GitCredentials c = remote.credentials();
    if (c.hasPassword()) {
      t.setCredentialsProvider(new UsernamePasswordCredentialsProvider(c.user(), c.secret()));
    }
    if (t instanceof SshTransport ssh) {
      ssh.setSshSessionFactory(sshFactory());
    }
    return t;
  }

  private SshdSessionFactory sshFactory() {
    if (sshFactory == null) {
      GitCredentials c = remote.credentials();
      File home = new File(System.getProperty("user.home"));
      Path knownHosts = c.knownHosts() != null ? c.knownHosts() : home.toPath().resolve(".ssh/known_hosts");
      SshConfigStore.HostConfig strict = new StrictHostConfig();
      SshdSessionFactoryBuilder b = new SshdSessionFactoryBuilder()
          .setHomeDirectory(home)
          .setSshDirectory(new File(home, ".ssh"))
          .setPreferredAuthentications("publickey")
          // Ferry runs unattended: an unknown or changed host key is an error, never a question.
          .setConfigStoreFactory((h, f, u) -> new SshConfigStore() {
            @Override
            public HostConfig lookup(String host, int port, String user) {
              return strict;
            }

            @Override
            public HostConfig lookupDefault(String host, int port, String user) {
              return strict;
            }
          })
          .setDefaultKnownHostsFiles(dir -> List.of(knownHosts));
      if (c.keyFile() != null) {
        b.setDefaultIdentities(dir -> List.of(c.keyFile()));
      }
      sshFactory = b.build(null);
    }
    return sshFactory;
  }

  private static final class StrictHostConfig implements SshConfigStore.HostConfig {
    // Classic key exchanges only: the post-quantum sntrup761 exchange costs seconds of CPU per
    // connection in pure Java on a small CI agent.
    private final Map<String, String> options = Map.of("StrictHostKeyChecking", "yes",
        "BatchMode", "yes", "UpdateHostKeys", "no",
        "KexAlgorithms", "curve25519-sha256,curve25519-sha256@libssh.org,ecdh-sha2-nistp256,ecdh-sha2-nistp384");

    @Override
    public String getValue(String key) {
      return options.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(key))
          .map(Map.Entry::getValue).findFirst().orElse(null);
    }

    @Override
    public List<String> getValues(String key) {
      String v = getValue(key);
      return v == null ? List.of() : List.of(v);
    }

    @Override
    public Map<String, String> getOptions() {
      return options;
    }

    @Override
    public Map<String, List<String>> getMultiValuedOptions() {
      return Map.of();
    }
  }

  private FerryException diagnoseFetch(IOException e) {
    FerryException credentials = credentialProblem(e);
    if (credentials != null) {
      return credentials;
    }
    String msg = scrub(e.getMessage());
    String lower = msg.toLowerCase(java.util.Locale.ROOT);
    if (e instanceof NoRemoteRepositoryException || lower.contains("not found") || lower.contains("not exported")
        || lower.contains("no such repository")
        || lower.contains("not a git repository") || lower.contains("does not appear to be a git repository")) {
      return new InputException(shownUrl + " is not a git repository (or does not exist): " + msg, null,
          "check the repository URL in ferry.yaml", null);
    }
    if (e instanceof NotSupportedException) {
      return new InputException("cannot reach " + shownUrl + ": " + msg, null,
          "use an https, http, ssh or git:// URL, or a local path", null);
    }
    if (lower.contains("remote does not have") && lower.contains(remote.branch())) {
      try {
        Collection<Ref> refs = withLock(() -> {
          try (Transport t = openTransport(); FetchConnection c = t.openFetch()) {
            return c.getRefs();
          }
        });
        return unknownBranch(remote.branch(), refs);
      } catch (IOException again) {
        // fall through to the generic message
      }
    }
    return new ExternalException("cannot fetch " + remote.branch() + " from " + shownUrl + ": " + msg,
        "check that the git server is up and reachable, then run the same command again", null);
  }

  private InputException unknownBranch(String branch, Collection<Ref> refs) {
    List<String> known = refs.stream().map(Ref::getName).filter(n -> n.startsWith(Constants.R_HEADS))
        .map(n -> n.substring(Constants.R_HEADS.length())).sorted().limit(10).toList();
    return new InputException("branch '" + branch + "' does not exist in " + shownUrl
        + (known.isEmpty() ? " (the repository has no branches)" : " (branches: " + String.join(", ", known) + ")"),
        null, "create the branch in the environment repository or fix 'branch' in ferry.yaml", null);
  }

  /** An HTTP status 401 or 403 as a word: not the digits of a port (git://host:40357) or a hash. */
  private static final java.util.regex.Pattern DENIED_STATUS = java.util.regex.Pattern.compile("(?<![\\w:./-])40[13](?![\\w.:/-])");

  private FerryException credentialProblem(IOException e) {
    String msg = scrub(e.getMessage());
    // the URL says nothing about why: leave it out of what is matched
    String lower = msg.replace(shownUrl, "").toLowerCase(java.util.Locale.ROOT);
    if (e instanceof TransportException && (lower.contains("not authorized") || lower.contains("authentication")
        || lower.contains("auth fail") || DENIED_STATUS.matcher(lower).find()
        || lower.contains("no more authentication methods") || lower.contains("cannot log in") || lower.contains("permission denied")
        || lower.contains("credentialsprovider"))) {
      return new InputException(shownUrl + " refused the credentials (" + remote.credentials().source() + "): " + msg,
          null, "check the user name and token or the ssh key given in ferry.yaml's auth", null);
    }
    if (e instanceof TransportException && (lower.contains("host key") || lower.contains("server key") || lower.contains("known_hosts")
        || lower.contains("known hosts"))) {
      return new InputException("the ssh host key of " + shownUrl + " is not trusted: " + msg, null,
          "add the server's key to the known_hosts file given in ferry.yaml (or ~/.ssh/known_hosts)", null);
    }
    return null;
  }

  private String scrub(String text) {
    GitCredentials c = remote.credentials();
    String s = RemoteUrl.scrub(text, c.secret());
    if (!transportUrl.equals(shownUrl)) {
      s = s.replace(transportUrl, shownUrl);
    }
    return s;
  }

  private FerryException readFailure(String commit, String path, IOException e) {
    return new ExternalException("cannot read " + path + " at " + abbrev(commit) + " of " + shownUrl + ": "
        + scrub(e.getMessage()), e);
  }

  private ObjectId resolve(String commit) {
    try {
      ObjectId id = commit == null ? null : repo.resolve(commit + "^{commit}");
      if (id == null) {
        throw new InputException("unknown commit '" + commit + "' in " + shownUrl
            + " (fetch first, or use an id from log())");
      }
      return id;
    } catch (IOException e) {
      throw new InputException("unknown commit '" + commit + "' in " + shownUrl + ": " + e.getMessage());
    }
  }

  private static ObjectId subtree(ObjectReader reader, RevCommit c, String dir) throws IOException {
    if (dir.isEmpty()) {
      return c.getTree();
    }
    try (TreeWalk tw = TreeWalk.forPath(reader, dir, c.getTree())) {
      return tw != null && tw.getFileMode(0) == FileMode.TREE ? tw.getObjectId(0) : null;
    }
  }

  private static String abbrev(String id) {
    return id != null && id.length() > 12 ? id.substring(0, 12) : String.valueOf(id);
  }

  // ---------------------------------------------------------------- the cache

  @FunctionalInterface
  private interface LockedWork<T> {
    T run() throws IOException;
  }

  /**
   * Runs {@code work} holding the cache lock of this repository: a JVM lock (FileChannel locks
   * belong to the whole process) and then the lock file, which other processes respect.
   */
  private <T> T withLock(LockedWork<T> work) throws IOException {
    ReentrantLock jvm = JVM_LOCKS.computeIfAbsent(lockFile.toAbsolutePath().toString(), k -> new ReentrantLock());
    jvm.lock();
    try {
      if (jvm.getHoldCount() > 1) {
        return work.run();
      }
      try (FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
           FileLock ignored = ch.lock()) {
        return work.run();
      }
    } finally {
      jvm.unlock();
    }
  }

  private Void createMirrorIfMissing() throws IOException {
    if (Files.isRegularFile(mirrorDir.resolve("HEAD"))) {
      return null;
    }
    if (Files.exists(mirrorDir)) {
      // A process died while creating it: start again.
      try (Stream<Path> walk = Files.walk(mirrorDir)) {
        walk.sorted(Comparator.reverseOrder()).forEach(p -> {
          try {
            Files.delete(p);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
      }
    }
    try (Repository r = new FileRepository(mirrorDir.toFile())) {
      r.create(true);
      StoredConfig cfg = r.getConfig();
      cfg.setInt("gc", null, "auto", 0);
      cfg.setBoolean("core", null, "logAllRefUpdates", false);
      cfg.setString("ferry", null, "url", shownUrl);
      cfg.save();
    }
    return null;
  }
}
