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
    return scan(image, List.of("vuln", "secret"), access, listener);
  }

  /**
   * The Trivy scanners a policy uses: {@code vuln} always, {@code secret} and {@code misconfig}
   * when the policy judges them, so Trivy spends no time on findings Ferry would not judge.
   */
  public static List<String> scanners(ScanPolicy policy) {
    List<String> out = new java.util.ArrayList<>(List.of("vuln"));
    if (policy.secrets().enabled()) {
      out.add("secret");
    }
    if (policy.misconfigurations().enabled()) {
      out.add("misconfig");
    }
    return out;
  }

  /**
   * Scans {@code image} with {@code scanners} ({@code vuln}, {@code secret}, {@code misconfig}).
   * Trivy runs in an empty folder, so a {@code .trivyignore} in the working directory cannot drop
   * findings before Ferry judges them: ignore files reach Ferry through {@code --ignore-file}.
   *
   * @throws ExternalException when Trivy fails, quoting its error output
   */
  public ScanReport scan(ImageRef image, List<String> scanners, RegistryAccess access, FerryListener listener) {
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
    java.nio.file.Path dir;
    try {
      dir = java.nio.file.Files.createTempDirectory("ferry-trivy-");
    } catch (java.io.IOException e) {
      throw new ExternalException("cannot make a working folder for trivy: " + e.getMessage(), e);
    }
    Program.Result r;
    try {
      r = program.run(List.of("image", "--format", "json", "--quiet", "--scanners", String.join(",", scanners),
          image.toString()), env, dir, line -> listener.on(FerryEvent.debug("scan", line)));
    } finally {
      dir.toFile().delete();
    }
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
