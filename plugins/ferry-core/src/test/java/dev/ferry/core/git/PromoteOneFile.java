package dev.ferry.core.git;

import dev.ferry.core.FerryException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.eclipse.jgit.lib.PersonIdent;

/**
 * A promoter in its own process, for the concurrency tests: opens the repository,
 * signals ready, waits for the start file, then promotes one file.
 *
 * <p>Arguments: {@code URL CACHE_DIR PATH VALUE SERVICE READY_FILE START_FILE}. Prints
 * {@code OK <attempts> <commit>} or {@code FAIL <exit code> <message>}; exits 0 or the exit code.
 */
public final class PromoteOneFile {

  private PromoteOneFile() {
  }

  public static void main(String[] args) throws Exception {
    String url = args[0];
    Path cache = Path.of(args[1]);
    String path = args[2];
    String value = args[3];
    String service = args[4];
    Path ready = Path.of(args[5]);
    Path start = Path.of(args[6]);
    try (EnvRepo repo = EnvRepo.open(new RemoteSpec(url, "main", null), cache, null)) {
      Files.writeString(ready, "ready");
      while (!Files.exists(start)) {
        Thread.sleep(5);
      }
      ChangeSet cs = new ChangeSet(Map.of(path, Seed.setImage(value)), "Promote " + service + " to " + value, "",
          List.of(new Trailer("Ferry-Service", service), new Trailer("Ferry-Image", value)), null);
      PushResult r = repo.commit(cs, new PersonIdent("Ferry " + service, "ferry@example.com"));
      System.out.println("OK " + r.attempts() + " " + r.commit());
      System.exit(0);
    } catch (FerryException e) {
      System.out.println("FAIL " + e.exitCode() + " " + e.getMessage());
      System.exit(e.exitCode());
    }
  }
}
