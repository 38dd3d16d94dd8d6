package dev.ferry.core.git;

import dev.ferry.core.ExternalException;
import dev.ferry.core.FerryEvent;
import dev.ferry.core.FerryListener;
import dev.ferry.core.InputException;
import dev.ferry.core.TargetFileLimit;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectLoader;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.treewalk.CanonicalTreeParser;
import org.eclipse.jgit.treewalk.TreeWalk;

/**
 * Reads files and folders of a commit in the mirror, and exports a folder to disk for rendering
 * with links kept inside it. Changes when what Ferry reads from a tree changes.
 *
 * <pre>{@code Optional<String> values = trees.readFile(head, "envs/dev/web/values.yaml");}</pre>
 */
final class TreeReader {

  private static final String TOPIC = "git";

  private final Repository repo;
  private final GitDiagnosis diagnosis;
  private final FerryListener listener;
  private final String branch;

  TreeReader(Repository repo, GitDiagnosis diagnosis, FerryListener listener, String branch) {
    this.repo = repo;
    this.diagnosis = diagnosis;
    this.listener = listener;
    this.branch = branch;
  }

  Optional<String> readFile(String commit, String path) {
    RepoPath.check(path);
    try (ObjectReader reader = repo.newObjectReader()) {
      Entry e = lookup(reader, commit, path);
      if (e == null || e.isTree() || FileMode.GITLINK.equals(e.mode())) {
        return Optional.empty();
      }
      return Optional.of(new String(bytes(reader, e.id(), describe(path, commit)), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw diagnosis.readFailure(commit, path, e);
    }
  }

  boolean isDirectory(String commit, String path) {
    String dir = RepoPath.checkDir(path);
    if (dir.isEmpty()) {
      return true;
    }
    try (ObjectReader reader = repo.newObjectReader()) {
      return subtree(reader, commit, dir) != null;
    } catch (IOException e) {
      throw diagnosis.readFailure(commit, path, e);
    }
  }

  List<String> list(String commit, String dirPath) {
    String dir = RepoPath.checkDir(dirPath);
    try (ObjectReader reader = repo.newObjectReader()) {
      ObjectId tree = subtree(reader, commit, dir);
      return tree == null ? List.of() : List.copyOf(entries(reader, tree).keySet());
    } catch (IOException e) {
      throw diagnosis.readFailure(commit, dirPath, e);
    }
  }

  void exportTree(String commit, String dirPath, Path target) {
    String dir = RepoPath.checkDir(dirPath);
    try (ObjectReader reader = repo.newObjectReader()) {
      ObjectId tree = subtree(reader, commit, dir);
      if (tree == null) {
        throw new InputException("'" + dirPath + "' is not a directory at " + GitDiagnosis.abbrev(commit) + " of "
            + diagnosis.shownUrl() + " " + branch);
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
          byte[] bytes = bytes(reader, tw.getObjectId(0), describe(rel, commit));
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
      throw new ExternalException("cannot export '" + dirPath + "' of " + diagnosis.shownUrl() + " to " + target + ": "
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

  /**
   * A blob's bytes, refused with its name when over {@link TargetFileLimit#MAX_BYTES}: past JGit's
   * big-file threshold {@code getBytes()} throws an unchecked LargeObjectException, which reached
   * users as an internal error.
   */
  static byte[] bytes(ObjectReader reader, ObjectId blob, String shown) throws IOException {
    ObjectLoader loader = reader.open(blob);
    TargetFileLimit.check(shown, loader.getSize());
    return loader.getCachedBytes((int) TargetFileLimit.MAX_BYTES);
  }

  private String describe(String path, String commit) {
    return "'" + path + "' at " + GitDiagnosis.abbrev(commit) + " of " + diagnosis.shownUrl() + " " + branch;
  }

  /** The commit {@code commit} names in the mirror; a clear error when it is not there. */
  ObjectId resolve(String commit) {
    try {
      ObjectId id = commit == null ? null : repo.resolve(commit + "^{commit}");
      if (id == null) {
        throw new InputException("unknown commit '" + commit + "' in " + diagnosis.shownUrl()
            + " (fetch first, or use an id from log())");
      }
      return id;
    } catch (IOException e) {
      throw new InputException("unknown commit '" + commit + "' in " + diagnosis.shownUrl() + ": " + e.getMessage());
    }
  }

  /** The tree at {@code dir} ("" for the root) of {@code commit}, or null when it is no folder there. */
  private ObjectId subtree(ObjectReader reader, String commit, String dir) throws IOException {
    Entry e = lookup(reader, commit, dir);
    return e != null && e.isTree() ? e.id() : null;
  }

  /** One entry of a tree: its mode bits and object. */
  private record Entry(int mode, ObjectId id) {
    boolean isTree() {
      return FileMode.TREE.equals(mode);
    }
  }

  /** How many trees {@link #entries} keeps: the folders a command reads, many times each. */
  private static final int TREES_KEPT = 1_024;

  /**
   * The entries of the trees read so far, by tree id, in tree order. A tree never changes, so
   * nothing here goes stale. Without it every read walked from the root, and the folder of an
   * environment with 1,000 services was scanned entry by entry once per service.
   */
  private final Map<ObjectId, Map<String, Entry>> trees = Collections.synchronizedMap(
      new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<ObjectId, Map<String, Entry>> eldest) {
          return size() > TREES_KEPT;
        }
      });

  /** The root tree of each commit id read so far. */
  private final Map<String, ObjectId> rootTrees = new ConcurrentHashMap<>();

  /** The entry at {@code path} ("" for the root) of {@code commit}, or null when there is none. */
  private Entry lookup(ObjectReader reader, String commit, String path) throws IOException {
    Entry e = new Entry(FileMode.TREE.getBits(), rootTree(reader, commit));
    if (path.isEmpty()) {
      return e;
    }
    for (String name : path.split("/", -1)) {
      if (!e.isTree()) {
        return null;
      }
      e = entries(reader, e.id()).get(name);
      if (e == null) {
        return null;
      }
    }
    return e;
  }

  private ObjectId rootTree(ObjectReader reader, String commit) throws IOException {
    ObjectId known = rootTrees.get(commit);
    if (known != null) {
      return known;
    }
    ObjectId id = resolve(commit);
    try (RevWalk rw = new RevWalk(reader)) {
      ObjectId tree = rw.parseCommit(id).getTree().copy();
      if (ObjectId.isId(commit)) {
        rootTrees.put(commit, tree);
      }
      return tree;
    }
  }

  private Map<String, Entry> entries(ObjectReader reader, ObjectId tree) throws IOException {
    Map<String, Entry> known = trees.get(tree);
    if (known != null) {
      return known;
    }
    Map<String, Entry> out = new LinkedHashMap<>();
    CanonicalTreeParser p = new CanonicalTreeParser(null, reader, tree);
    for (; !p.eof(); p.next()) {
      out.put(p.getEntryPathString(), new Entry(p.getEntryRawMode(), p.getEntryObjectId()));
    }
    Map<String, Entry> entries = Collections.unmodifiableMap(out);
    trees.put(tree.copy(), entries);
    return entries;
  }
}
