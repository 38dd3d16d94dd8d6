package dev.ferry.core.git;

import dev.ferry.core.InputException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.TreeFormatter;
import org.eclipse.jgit.treewalk.CanonicalTreeParser;

/**
 * Rewrites a git tree in memory: only the trees on the way to a changed path are read and written
 * again, so the cost follows the number of changed paths, not the size of the repository.
 *
 * <pre>{@code ObjectId newTree = TreeEditor.apply(reader, inserter, oldTree, Map.of("a/b.yaml", blobId));}</pre>
 */
final class TreeEditor {

  /** Marks a path to delete in the edits map. */
  static final ObjectId DELETE = ObjectId.zeroId();

  private record Entry(FileMode mode, ObjectId id) {
  }

  private TreeEditor() {
  }

  /**
   * @param tree the tree to start from (null for an empty tree)
   * @param edits repository path to new blob id, or {@link #DELETE}
   * @return the new tree id (the same id when nothing changed)
   */
  static ObjectId apply(ObjectReader reader, ObjectInserter inserter, ObjectId tree,
      Map<String, ObjectId> edits) throws IOException {
    return rewrite(reader, inserter, tree, edits, "");
  }

  private static ObjectId rewrite(ObjectReader reader, ObjectInserter inserter, ObjectId tree,
      Map<String, ObjectId> edits, String prefix) throws IOException {
    TreeMap<String, Entry> entries = read(reader, tree);
    Map<String, Map<String, ObjectId>> bySubdir = new LinkedHashMap<>();
    for (Map.Entry<String, ObjectId> e : edits.entrySet()) {
      String path = e.getKey();
      int slash = path.indexOf('/');
      if (slash < 0) {
        Entry old = entries.get(path);
        if (old != null && old.mode() == FileMode.TREE) {
          throw new InputException("'" + prefix + path + "' is a directory, not a file");
        }
        if (e.getValue() == DELETE) {
          entries.remove(path);
        } else {
          FileMode mode = old != null && old.mode() == FileMode.EXECUTABLE_FILE
              ? FileMode.EXECUTABLE_FILE : FileMode.REGULAR_FILE;
          entries.put(path, new Entry(mode, e.getValue()));
        }
      } else {
        bySubdir.computeIfAbsent(path.substring(0, slash), k -> new LinkedHashMap<>())
            .put(path.substring(slash + 1), e.getValue());
      }
    }
    for (Map.Entry<String, Map<String, ObjectId>> sub : bySubdir.entrySet()) {
      String name = sub.getKey();
      Entry old = entries.get(name);
      if (old != null && old.mode() != FileMode.TREE) {
        throw new InputException("'" + prefix + name + "' is a file, not a directory");
      }
      ObjectId newSub = rewrite(reader, inserter, old == null ? null : old.id(), sub.getValue(),
          prefix + name + "/");
      if (newSub == null) {
        entries.remove(name);
      } else {
        entries.put(name, new Entry(FileMode.TREE, newSub));
      }
    }
    if (entries.isEmpty()) {
      return prefix.isEmpty() ? inserter.insert(new TreeFormatter()) : null;
    }
    return inserter.insert(format(entries));
  }

  private static TreeMap<String, Entry> read(ObjectReader reader, ObjectId tree) throws IOException {
    TreeMap<String, Entry> entries = new TreeMap<>();
    if (tree == null) {
      return entries;
    }
    CanonicalTreeParser p = new CanonicalTreeParser(null, reader, tree);
    while (!p.eof()) {
      entries.put(p.getEntryPathString(), new Entry(p.getEntryFileMode(), p.getEntryObjectId()));
      p.next();
    }
    return entries;
  }

  /** Git orders tree entries by bytes, comparing a directory as if its name ended in '/'. */
  private static TreeFormatter format(TreeMap<String, Entry> entries) {
    List<Map.Entry<String, Entry>> sorted = new ArrayList<>(entries.entrySet());
    sorted.sort((a, b) -> Arrays.compareUnsigned(sortKey(a), sortKey(b)));
    TreeFormatter f = new TreeFormatter(sorted.size() * 60);
    for (Map.Entry<String, Entry> e : sorted) {
      f.append(e.getKey(), e.getValue().mode(), e.getValue().id());
    }
    return f;
  }

  private static byte[] sortKey(Map.Entry<String, Entry> e) {
    String name = e.getValue().mode() == FileMode.TREE ? e.getKey() + "/" : e.getKey();
    return name.getBytes(StandardCharsets.UTF_8);
  }
}
