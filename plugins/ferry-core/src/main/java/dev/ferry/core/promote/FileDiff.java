package dev.ferry.core.promote;

import java.util.ArrayList;
import java.util.List;

/**
 * A unified diff of two texts, line by line, with three lines of context: what {@code ferry plan}
 * shows. Image edits change few lines, so a plain longest-common-subsequence table over the
 * lines between the common prefix and suffix is small.
 */
public final class FileDiff {

  private static final int CONTEXT = 3;

  private FileDiff() {
  }

  /** The diff of {@code before} and {@code after} as {@code --- a/path}, {@code +++ b/path}, hunks; empty when equal. */
  public static String unified(String path, String before, String after) {
    if (before.equals(after)) {
      return "";
    }
    String[] a = before.split("\n", -1);
    String[] b = after.split("\n", -1);
    int prefix = 0;
    while (prefix < a.length && prefix < b.length && a[prefix].equals(b[prefix])) {
      prefix++;
    }
    int suffix = 0;
    while (suffix < a.length - prefix && suffix < b.length - prefix
        && a[a.length - 1 - suffix].equals(b[b.length - 1 - suffix])) {
      suffix++;
    }
    // ops over the middle: ' ' keep, '-' delete, '+' insert, each with its line
    int n = a.length - prefix - suffix;
    int m = b.length - prefix - suffix;
    int[][] lcs = new int[n + 1][m + 1];
    for (int i = n - 1; i >= 0; i--) {
      for (int j = m - 1; j >= 0; j--) {
        lcs[i][j] = a[prefix + i].equals(b[prefix + j]) ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
      }
    }
    List<String> ops = new ArrayList<>();
    for (int i = 0; i < prefix; i++) {
      ops.add(" " + a[i]);
    }
    int i = 0;
    int j = 0;
    while (i < n || j < m) {
      if (i < n && j < m && a[prefix + i].equals(b[prefix + j])) {
        ops.add(" " + a[prefix + i++]);
        j++;
      } else if (j < m && (i == n || lcs[i][j + 1] >= lcs[i + 1][j])) {
        ops.add("+" + b[prefix + j++]);
      } else {
        ops.add("-" + a[prefix + i++]);
      }
    }
    for (int k = a.length - suffix; k < a.length; k++) {
      ops.add(" " + a[k]);
    }
    return hunks(path, ops);
  }

  private static String hunks(String path, List<String> ops) {
    StringBuilder out = new StringBuilder("--- a/").append(path).append("\n+++ b/").append(path).append('\n');
    int k = 0;
    while (k < ops.size()) {
      if (ops.get(k).charAt(0) == ' ') {
        k++;
        continue;
      }
      int start = Math.max(0, k - CONTEXT);
      int end = k;
      int quiet = 0;
      while (end < ops.size() && quiet <= 2 * CONTEXT) {
        quiet = ops.get(end).charAt(0) == ' ' ? quiet + 1 : 0;
        end++;
      }
      end = Math.min(ops.size(), end - Math.max(0, quiet - CONTEXT));
      int oldLine = 1;
      int newLine = 1;
      for (int x = 0; x < start; x++) {
        char c = ops.get(x).charAt(0);
        oldLine += c != '+' ? 1 : 0;
        newLine += c != '-' ? 1 : 0;
      }
      int oldCount = 0;
      int newCount = 0;
      for (int x = start; x < end; x++) {
        char c = ops.get(x).charAt(0);
        oldCount += c != '+' ? 1 : 0;
        newCount += c != '-' ? 1 : 0;
      }
      out.append("@@ -").append(oldLine).append(',').append(oldCount)
          .append(" +").append(newLine).append(',').append(newCount).append(" @@\n");
      for (int x = start; x < end; x++) {
        out.append(ops.get(x).replace("\r", "")).append('\n');
      }
      k = end;
    }
    return out.toString();
  }
}
