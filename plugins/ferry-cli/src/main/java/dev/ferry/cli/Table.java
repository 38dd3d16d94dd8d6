package dev.ferry.cli;

import java.util.List;

/** A plain text table with columns padded to their widest cell. */
final class Table {

  private Table() {
  }

  static String render(List<String[]> rows) {
    int columns = rows.get(0).length;
    int[] width = new int[columns];
    for (String[] r : rows) {
      for (int i = 0; i < columns; i++) {
        width[i] = Math.max(width[i], r[i].length());
      }
    }
    StringBuilder out = new StringBuilder();
    for (String[] r : rows) {
      for (int i = 0; i < columns; i++) {
        out.append(r[i]);
        if (i < columns - 1) {
          out.append(" ".repeat(width[i] - r[i].length() + 2));
        }
      }
      out.append('\n');
    }
    return out.toString();
  }
}
