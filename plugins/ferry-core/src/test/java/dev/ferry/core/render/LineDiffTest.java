package dev.ferry.core.render;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LineDiffTest {

  static String numbered(int from, int to) {
    StringBuilder s = new StringBuilder();
    for (int i = from; i <= to; i++) {
      s.append("line ").append(i).append('\n');
    }
    return s.toString();
  }

  @Test
  void sameTextHasNoDiff() {
    assertThat(LineDiff.unified("a", "b", "x\ny\n", "x\ny\n", 3)).isEmpty();
  }

  @Test
  void oneChangedLineGetsThreeLinesOfContext() {
    String before = numbered(1, 10);
    String after = before.replace("line 5\n", "line five\n");
    assertThat(LineDiff.unified("before", "after", before, after, 3)).isEqualTo("""
        --- before
        +++ after
        @@ -2,7 +2,7 @@
         line 2
         line 3
         line 4
        -line 5
        +line five
         line 6
         line 7
         line 8
        """);
  }

  @Test
  void distantChangesMakeTwoHunksAndCloseOnesOne() {
    String before = numbered(1, 30);
    String after = before.replace("line 2\n", "").replace("line 25\n", "line 25\nline 25b\n");
    assertThat(LineDiff.unified("before", "after", before, after, 2)).isEqualTo("""
        --- before
        +++ after
        @@ -1,4 +1,3 @@
         line 1
        -line 2
         line 3
         line 4
        @@ -24,4 +23,5 @@
         line 24
         line 25
        +line 25b
         line 26
         line 27
        """);
    String close = before.replace("line 10\n", "line ten\n").replace("line 13\n", "line thirteen\n");
    assertThat(LineDiff.unified("before", "after", before, close, 2)).contains("@@ -8,8 +8,8 @@")
        .doesNotContain("@@ -11");
  }

  @Test
  void emptySidesUseGnuRanges() {
    assertThat(LineDiff.unified("a", "b", "", "x\n", 3)).isEqualTo("--- a\n+++ b\n@@ -0,0 +1 @@\n+x\n");
    assertThat(LineDiff.unified("a", "b", "x\ny\n", "", 3)).isEqualTo("--- a\n+++ b\n@@ -1,2 +0,0 @@\n-x\n-y\n");
  }

  @Test
  void applyingTheDiffToTheOldTextGivesTheNewText() {
    Random random = new Random(7);
    for (int round = 0; round < 200; round++) {
      List<String> a = randomLines(random);
      List<String> b = randomLines(random);
      String before = a.isEmpty() ? "" : String.join("\n", a) + "\n";
      String after = b.isEmpty() ? "" : String.join("\n", b) + "\n";
      String diff = LineDiff.unified("a", "b", before, after, 1);
      assertThat(apply(a, diff)).as("round %d:\n%s", round, diff).isEqualTo(b);
    }
  }

  private static List<String> randomLines(Random random) {
    List<String> lines = new ArrayList<>();
    int n = random.nextInt(12);
    for (int i = 0; i < n; i++) {
      lines.add(String.valueOf((char) ('a' + random.nextInt(4))));
    }
    return lines;
  }

  /** A strict patch: context and removed lines must match where the hunk header says. */
  private static List<String> apply(List<String> old, String diff) {
    List<String> result = new ArrayList<>();
    int next = 0;
    for (String line : LineDiff.lines(diff)) {
      if (line.startsWith("---") || line.startsWith("+++")) {
        continue;
      }
      if (line.startsWith("@@")) {
        String range = line.split(" ")[1].substring(1);
        int start = Integer.parseInt(range.split(",")[0]);
        int length = range.contains(",") ? Integer.parseInt(range.split(",")[1]) : 1;
        int first = length == 0 ? start : start - 1;
        while (next < first) {
          result.add(old.get(next++));
        }
      } else if (line.startsWith("+")) {
        result.add(line.substring(1));
      } else {
        assertThat(old.get(next)).isEqualTo(line.substring(1));
        if (line.startsWith(" ")) {
          result.add(old.get(next));
        }
        next++;
      }
    }
    while (next < old.size()) {
      result.add(old.get(next++));
    }
    return result;
  }
}
