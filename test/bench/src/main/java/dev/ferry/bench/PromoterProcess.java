package dev.ferry.bench;

import dev.ferry.core.FerryException;
import dev.ferry.core.git.PushResult;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One promoter in its own JVM, as a CI job would be, for {@link ConcurrentPromoters}: waits until
 * the start file exists, then promotes one service with Ferry (retrying lost push races as Ferry
 * does).
 *
 * <pre>java -cp BENCH_CLASSPATH dev.ferry.bench.PromoterProcess URL CACHE_DIR FILE_NUMBER VALUE READY_FILE START_FILE</pre>
 *
 * Prints {@code OK <attempts> <commit>} and exits 0, or {@code FAIL <exit code> <message>} and exits
 * with Ferry's exit code.
 */
public final class PromoterProcess {

  private PromoterProcess() {
  }

  public static void main(String[] args) throws Exception {
    String url = args[0];
    Path cache = Path.of(args[1]);
    int file = Integer.parseInt(args[2]);
    String value = args[3];
    Path ready = Path.of(args[4]);
    Path start = Path.of(args[5]);
    // the JVM has started and loaded the classes; start-up is not what is measured
    Files.writeString(ready, "ready");
    while (!Files.exists(start)) {
      Thread.sleep(5);
    }
    try {
      PushResult r = GitPromotion.promote(url, cache, file, value);
      System.out.println("OK " + r.attempts() + " " + r.commit());
      System.exit(0);
    } catch (FerryException e) {
      System.out.println("FAIL " + e.exitCode() + " " + e.getMessage());
      System.exit(e.exitCode());
    }
  }
}
