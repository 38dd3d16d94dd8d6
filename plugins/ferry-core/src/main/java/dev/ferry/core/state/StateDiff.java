package dev.ferry.core.state;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;

/**
 * Every difference between the state index and what the history says, one line each, naming the
 * index file: what {@code ferry doctor} reports. The order in which the index learned of changes
 * ({@code seq}) is not compared: a rebuild numbers them anew.
 *
 * <pre>{@code List<String> problems = StateDiff.between(index, StateStore.fromHistory(...));}</pre>
 */
public final class StateDiff {

  private StateDiff() {
  }

  public static List<String> between(StateIndex index, StateIndex history) {
    List<String> out = new ArrayList<>();
    if (!Objects.equals(index.base(), history.base())) {
      out.add("index.json: base " + index.base() + ", the branch head is " + history.base());
    }
    TreeSet<String> keys = new TreeSet<>(index.services().keySet());
    keys.addAll(history.services().keySet());
    for (String key : keys) {
      String file = key + ".json";
      ServiceState a = index.services().get(key);
      ServiceState b = history.services().get(key);
      if (a == null) {
        out.add(file + ": missing from the index; the history has " + describe(b));
        continue;
      }
      if (b == null) {
        out.add(file + ": in the index (" + describe(a) + ") but not in the history read");
        continue;
      }
      compare(out, file, "changes", a.changes().stream().map(StateDiff::change).toList(),
          b.changes().stream().map(StateDiff::change).toList());
      compare(out, file, "verifications", a.verifications().stream().map(Object::toString).toList(),
          b.verifications().stream().map(Object::toString).toList());
      compare(out, file, "blocks", a.blocks().stream().map(Object::toString).toList(),
          b.blocks().stream().map(Object::toString).toList());
    }
    return out;
  }

  private static void compare(List<String> out, String file, String what, List<String> index, List<String> history) {
    for (String s : index) {
      if (!history.contains(s)) {
        out.add(file + ": " + what + ": the index has " + s + ", the history does not");
      }
    }
    for (String s : history) {
      if (!index.contains(s)) {
        out.add(file + ": " + what + ": the history has " + s + ", the index does not");
      }
    }
  }

  private static String change(ServiceState.Change c) {
    return c.kind() + " " + c.images() + " in " + c.commit() + " at " + c.time() + " by " + c.promotedBy()
        + (c.approvedBy() == null ? "" : " approved by " + c.approvedBy());
  }

  private static String describe(ServiceState s) {
    return s.changes().size() + " change(s), " + s.verifications().size() + " verification(s), "
        + s.blocks().size() + " block(s)";
  }
}
