package dev.ferry.core.render;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * A line diff in unified format, for {@code ferry plan} to show what a promotion changes.
 * Shortest edit script after Myers (1986), on the lines between the common head and tail.
 *
 * <pre>{@code
 * LineDiff.unified("before/deployment.yaml", "after/deployment.yaml", before, after, 3);
 * // --- before/deployment.yaml
 * // +++ after/deployment.yaml
 * // @@ -17,7 +17,7 @@
 * // ...
 * }</pre>
 */
public final class LineDiff {

  /** Past this many differing lines the script is not searched: the middle is shown replaced whole. */
  private static final int MAX_EDITS = 4000;

  private LineDiff() {
  }

  private record Op(char kind, String line) { }

  /** The unified diff, or an empty string when both texts have the same lines. */
  public static String unified(String beforeName, String afterName, String before, String after, int context) {
    List<String> a = lines(before);
    List<String> b = lines(after);
    List<Op> ops = script(a, b);
    if (ops.stream().allMatch(op -> op.kind == ' ')) {
      return "";
    }
    StringBuilder out = new StringBuilder();
    out.append("--- ").append(beforeName).append('\n').append("+++ ").append(afterName).append('\n');
    int i = 0;
    while (i < ops.size()) {
      if (ops.get(i).kind == ' ') {
        i++;
        continue;
      }
      int start = Math.max(0, i - context);
      int end = i;
      // extend the hunk while the next change is close enough to share context
      int lastChange = i;
      for (int j = i; j < ops.size(); j++) {
        if (ops.get(j).kind != ' ') {
          if (j - lastChange > 2 * context) {
            break;
          }
          lastChange = j;
        }
      }
      end = Math.min(ops.size(), lastChange + context + 1);
      hunk(out, ops, start, end);
      i = end;
    }
    return out.toString();
  }

  private static void hunk(StringBuilder out, List<Op> ops, int start, int end) {
    int aLine = 0;
    int bLine = 0;
    for (int k = 0; k < start; k++) {
      if (ops.get(k).kind != '+') {
        aLine++;
      }
      if (ops.get(k).kind != '-') {
        bLine++;
      }
    }
    int aLen = 0;
    int bLen = 0;
    for (int k = start; k < end; k++) {
      if (ops.get(k).kind != '+') {
        aLen++;
      }
      if (ops.get(k).kind != '-') {
        bLen++;
      }
    }
    out.append("@@ -").append(range(aLine, aLen)).append(" +").append(range(bLine, bLen)).append(" @@\n");
    for (int k = start; k < end; k++) {
      out.append(ops.get(k).kind).append(ops.get(k).line).append('\n');
    }
  }

  /** GNU form: an empty range names the line before it. */
  private static String range(int before, int length) {
    int first = length == 0 ? before : before + 1;
    return length == 1 ? String.valueOf(first) : first + "," + length;
  }

  static List<String> lines(String text) {
    if (text.isEmpty()) {
      return List.of();
    }
    List<String> lines = new ArrayList<>(Arrays.asList(text.split("\r?\n", -1)));
    if (lines.get(lines.size() - 1).isEmpty()) {
      lines.remove(lines.size() - 1);
    }
    return lines;
  }

  private static List<Op> script(List<String> a, List<String> b) {
    int head = 0;
    while (head < a.size() && head < b.size() && a.get(head).equals(b.get(head))) {
      head++;
    }
    int tail = 0;
    while (tail < a.size() - head && tail < b.size() - head
        && a.get(a.size() - 1 - tail).equals(b.get(b.size() - 1 - tail))) {
      tail++;
    }
    List<Op> ops = new ArrayList<>();
    for (int k = 0; k < head; k++) {
      ops.add(new Op(' ', a.get(k)));
    }
    ops.addAll(middle(a.subList(head, a.size() - tail), b.subList(head, b.size() - tail)));
    for (int k = a.size() - tail; k < a.size(); k++) {
      ops.add(new Op(' ', a.get(k)));
    }
    return ops;
  }

  /** Myers' greedy search for the furthest-reaching path on each diagonal, then a walk back. */
  private static List<Op> middle(List<String> a, List<String> b) {
    int n = a.size();
    int m = b.size();
    int max = n + m;
    if (max == 0) {
      return List.of();
    }
    int offset = max + 1;
    int[] v = new int[2 * max + 3];
    List<int[]> trace = new ArrayList<>();
    for (int d = 0; d <= Math.min(max, MAX_EDITS); d++) {
      // only diagonals -d-1..d+1 matter when walking back from this round: keep just those
      trace.add(Arrays.copyOfRange(v, offset - d - 1, offset + d + 2));
      for (int k = -d; k <= d; k += 2) {
        int x = (k == -d || (k != d && v[offset + k - 1] < v[offset + k + 1]))
            ? v[offset + k + 1] : v[offset + k - 1] + 1;
        int y = x - k;
        while (x < n && y < m && a.get(x).equals(b.get(y))) {
          x++;
          y++;
        }
        v[offset + k] = x;
        if (x >= n && y >= m) {
          return walkBack(a, b, trace);
        }
      }
    }
    List<Op> replaced = new ArrayList<>();
    a.forEach(line -> replaced.add(new Op('-', line)));
    b.forEach(line -> replaced.add(new Op('+', line)));
    return replaced;
  }

  private static List<Op> walkBack(List<String> a, List<String> b, List<int[]> trace) {
    List<Op> ops = new ArrayList<>();
    int x = a.size();
    int y = b.size();
    for (int d = trace.size() - 1; d >= 0; d--) {
      int[] v = trace.get(d);
      int at = d + 1;  // index of diagonal 0 in this round's window
      int k = x - y;
      int prevK = (k == -d || (k != d && v[at + k - 1] < v[at + k + 1])) ? k + 1 : k - 1;
      int prevX = v[at + prevK];
      int prevY = prevX - prevK;
      while (x > prevX && y > prevY && x > 0 && y > 0) {
        ops.add(new Op(' ', a.get(x - 1)));
        x--;
        y--;
      }
      if (d > 0) {
        if (x == prevX) {
          ops.add(new Op('+', b.get(y - 1)));
        } else {
          ops.add(new Op('-', a.get(x - 1)));
        }
      }
      x = prevX;
      y = prevY;
    }
    Collections.reverse(ops);
    return ops;
  }
}
