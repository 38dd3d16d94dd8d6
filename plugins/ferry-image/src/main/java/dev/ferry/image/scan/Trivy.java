package dev.ferry.image.scan;

import dev.ferry.core.ChildEnvironment;
import dev.ferry.core.ExternalException;
import dev.ferry.core.FerryEvent;
import dev.ferry.core.FerryListener;
import dev.ferry.core.InputException;
import dev.ferry.core.image.ImageRef;
import dev.ferry.core.image.RegistryAccess;
import dev.ferry.image.process.Program;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Scans an image in a registry with Trivy ({@code trivy image --format json --quiet IMAGE}).
 * Registry credentials go to Trivy through its environment ({@code TRIVY_USERNAME},
 * {@code TRIVY_PASSWORD}), never its arguments; plain HTTP registries get {@code TRIVY_INSECURE}.
 *
 * <pre>{@code
 * ScanReport report = Trivy.onPath(System.getenv()).orElseThrow().scan(image, access, listener);
 * }</pre>
 */
public final class Trivy {

  private final Program program;

  public Trivy(String executable, Duration timeout) {
    this.program = new Program(executable, timeout, ChildEnvironment.Program.SCANNER);
  }

  /** Trivy from {@code PATH}, with a 15-minute timeout (a first run downloads its database). */
  public static Optional<Trivy> onPath(Map<String, String> env) {
    return Program.find("trivy", env).map(p -> new Trivy(p, Duration.ofMinutes(15)));
  }

  /**
   * Scans {@code image}.
   *
   * @throws ExternalException when Trivy fails, quoting its error output
   */
  public ScanReport scan(ImageRef image, RegistryAccess access, FerryListener listener) {
    Map<String, String> env = new HashMap<>();
    String host = image.effectiveRegistry();
    access.credentials(host).ifPresent(c -> {
      env.put("TRIVY_USERNAME", c.user());
      env.put("TRIVY_PASSWORD", c.secret());
    });
    if (access.insecure(host)) {
      env.put("TRIVY_INSECURE", "true");
    }
    listener.on(FerryEvent.progress("scan", "scanning " + image + " with Trivy"));
    Program.Result r = program.run(List.of("image", "--format", "json", "--quiet", image.toString()), env, null,
        line -> listener.on(FerryEvent.debug("scan", line)));
    if (r.exitCode() != 0) {
      throw new ExternalException("trivy failed (exit " + r.exitCode() + ") scanning " + image + ":\n" + r.tail());
    }
    try {
      return ReportReader.parse("trivy output", r.stdout().getBytes(StandardCharsets.UTF_8));
    } catch (InputException e) {
      throw new ExternalException("trivy printed something Ferry cannot read: " + e.getMessage(), e);
    }
  }
}
