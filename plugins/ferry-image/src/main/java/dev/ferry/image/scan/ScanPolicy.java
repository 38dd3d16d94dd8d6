package dev.ferry.image.scan;

import dev.ferry.core.InputException;
import dev.ferry.core.SourceLocation;
import dev.ferry.core.image.ImageRef;
import dev.ferry.image.yaml.YamlDocument;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Which findings block an image. Without a policy file: CRITICAL and HIGH findings that have a fix.
 *
 * <pre>{@code
 * # scan-policy.yaml
 * failOn: HIGH            # block findings at or above this severity
 * onlyFixable: true       # ...and only those with a fixed version (default true)
 * ignore:
 *   - id: CVE-2024-1234
 *     package: libxml2    # optional: only in this package
 *     reason: the XML parser is never given untrusted input
 *     expires: 2026-03-31
 * images:
 *   - image: registry.example.com/shop/legacy   # any tag of this repository
 *     failOn: CRITICAL
 *     ignore: [...]
 * secrets: {failOn: UNKNOWN}          # every secret blocks (the default)
 * misconfigurations: {failOn: HIGH}   # off unless this block is given
 * vex: [vex/web.openvex.json]         # relative to this file
 * ignoreFiles: [.trivyignore]         # .trivyignore, .trivyignore.yaml, .grype.yaml
 * }</pre>
 *
 * @param file the policy file, or null for the defaults
 * @param failOn the lowest severity of a vulnerability that blocks
 * @param onlyFixable whether only vulnerabilities with a fix block
 * @param ignore accepted findings: the policy's own entries (each with a reason and an expiry date)
 *     and those read from ignore files
 * @param images exceptions for particular image repositories
 * @param secrets how secret findings are judged
 * @param misconfigurations how misconfiguration findings are judged
 * @param vex VEX statements that suppress findings
 */
public record ScanPolicy(String file, Severity failOn, boolean onlyFixable, List<Ignore> ignore,
    List<ImageException> images, KindRule secrets, KindRule misconfigurations, List<VexStatement> vex) {

  /**
   * Whether findings of one kind (secrets, misconfigurations) are judged, and from which severity
   * they block. Ignore entries and {@code onlyFixable} apply to them as well; they always count as
   * fixable (the fix is removing them).
   *
   * @param enabled whether they are judged at all; findings of a kind that is off are counted as not judged
   * @param failOn the lowest severity that blocks
   */
  public record KindRule(boolean enabled, Severity failOn) {
    public static final KindRule SECRETS = new KindRule(true, Severity.UNKNOWN);
    public static final KindRule MISCONFIGURATIONS = new KindRule(false, Severity.HIGH);
  }

  /**
   * An accepted finding.
   *
   * @param id the vulnerability or rule id (matched by alias too), or null for any (a Grype rule by fix state)
   * @param packageName only in this package, or null for any
   * @param reason why it is accepted (required in the policy; an ignore file's statement or its place)
   * @param expires the last day it is accepted (required in the policy), or null for no end
   * @param location where it is written, for messages
   * @param scope the further conditions ignore files can give
   * @param failsWhenExpired whether an expired entry fails the scan (the policy's own) or only stops
   *     applying, as Trivy and Grype treat their ignore files
   */
  public record Ignore(String id, String packageName, String reason, LocalDate expires, SourceLocation location,
      Scope scope, boolean failsWhenExpired) {

    /** A policy entry. */
    public Ignore(String id, String packageName, String reason, LocalDate expires, SourceLocation location) {
      this(id, packageName, reason, expires, location, Scope.ANY, true);
    }

    public boolean matches(Finding f) {
      boolean sameId = id == null || (scope.exactId() ? f.id().equalsIgnoreCase(id) : f.isKnownAs(id));
      return sameId && (packageName == null || packageName.equals(f.packageName()))
          && scope.matches(f);
    }

    public boolean expiredOn(LocalDate today) {
      return expires != null && today.isAfter(expires);
    }

    /** {@code CVE-2024-1234} or, for a rule without an id, what it matches by. */
    public String describe() {
      return id != null ? id : scope.describe();
    }
  }

  /**
   * Conditions of an ignore file's entry beyond id and package; each that is given must hold.
   *
   * @param kind only findings of this kind ({@code .trivyignore.yaml}'s sections), or null
   * @param paths the finding's target matches one of these globs ({@code paths}), or empty
   * @param purls the finding's purl is one of these, qualifiers aside ({@code purls}), or empty
   * @param packageVersion the installed version equals this, or null
   * @param packageType the package type equals this (as the report writes it), or null
   * @param packageLocation one of the finding's locations matches this glob, or null
   * @param fixState the scanner's fix state word equals this (Grype {@code fix-state}), or null
   * @param exactId whether the id must be the finding's own, not one of its aliases (a Grype rule
   *     without {@code include-aliases: true}, as Grype matches it)
   */
  public record Scope(Finding.Kind kind, List<String> paths, List<String> purls, String packageVersion,
      String packageType, String packageLocation, String fixState, boolean exactId) {
    public static final Scope ANY = new Scope(null, List.of(), List.of(), null, null, null, null, false);

    public Scope {
      paths = List.copyOf(paths);
      purls = List.copyOf(purls);
    }

    boolean matches(Finding f) {
      if (kind != null && f.kind() != kind) {
        return false;
      }
      List<String> targets = List.of(f.target().split(", "));
      if (!paths.isEmpty() && paths.stream().noneMatch(p -> targets.stream().anyMatch(t -> glob(p, t)))) {
        return false;
      }
      if (!purls.isEmpty() && (f.purl().isEmpty() || purls.stream().noneMatch(p -> withoutQualifiers(p)
          .equals(withoutQualifiers(f.purl()))))) {
        return false;
      }
      if (packageVersion != null && !packageVersion.equals(f.installedVersion())) {
        return false;
      }
      if (packageType != null && !packageType.equalsIgnoreCase(f.packageType())) {
        return false;
      }
      if (packageLocation != null && targets.stream().noneMatch(t -> glob(packageLocation, t))) {
        return false;
      }
      // Grype writes an empty state for "unknown" in older reports
      return fixState == null || fixState.equalsIgnoreCase(f.fixState().isEmpty() ? "unknown" : f.fixState());
    }

    String describe() {
      List<String> parts = new ArrayList<>();
      if (fixState != null) {
        parts.add("fix-state " + fixState);
      }
      if (packageType != null) {
        parts.add("package type " + packageType);
      }
      if (packageVersion != null) {
        parts.add("version " + packageVersion);
      }
      if (packageLocation != null) {
        parts.add("location " + packageLocation);
      }
      return parts.isEmpty() ? "every finding" : String.join(", ", parts);
    }

    private static String withoutQualifiers(String purl) {
      int q = purl.indexOf('?');
      return q < 0 ? purl : purl.substring(0, q);
    }

    private static boolean glob(String pattern, String path) {
      if (pattern.equals(path)) {
        return true;
      }
      String p = pattern.startsWith("/") ? pattern.substring(1) : pattern;
      String t = path.startsWith("/") ? path.substring(1) : path;
      try {
        return java.nio.file.FileSystems.getDefault().getPathMatcher("glob:" + p).matches(Path.of(t));
      } catch (RuntimeException e) {
        return false; // a pattern or path the file system cannot take is no match
      }
    }
  }

  /** Rules for one image repository, replacing the threshold and adding ignores. */
  public record ImageException(String image, Severity failOn, Boolean onlyFixable, List<Ignore> ignore) { }

  public ScanPolicy {
    ignore = List.copyOf(ignore);
    images = List.copyOf(images);
    secrets = secrets == null ? KindRule.SECRETS : secrets;
    misconfigurations = misconfigurations == null ? KindRule.MISCONFIGURATIONS : misconfigurations;
    vex = List.copyOf(vex);
  }

  /** A policy for vulnerabilities, with the default rules for secrets and misconfigurations and no VEX. */
  public ScanPolicy(String file, Severity failOn, boolean onlyFixable, List<Ignore> ignore, List<ImageException> images) {
    this(file, failOn, onlyFixable, ignore, images, KindRule.SECRETS, KindRule.MISCONFIGURATIONS, List.of());
  }

  /** CRITICAL and HIGH findings with a fix block, and every secret; nothing is ignored. */
  public static ScanPolicy defaults() {
    return new ScanPolicy(null, Severity.HIGH, true, List.of(), List.of());
  }

  /** A copy with another vulnerability threshold, e.g. from {@code --fail-on}. */
  public ScanPolicy withFailOn(Severity severity) {
    List<ImageException> imgs = images.stream()
        .map(i -> new ImageException(i.image(), null, i.onlyFixable(), i.ignore())).toList();
    return new ScanPolicy(file, severity, onlyFixable, ignore, imgs, secrets, misconfigurations, vex);
  }

  /** A copy with more ignore entries, e.g. from {@code --ignore-file}. */
  public ScanPolicy withIgnores(List<Ignore> more) {
    List<Ignore> all = new ArrayList<>(ignore);
    all.addAll(more);
    return new ScanPolicy(file, failOn, onlyFixable, all, images, secrets, misconfigurations, vex);
  }

  /** A copy with more VEX statements, e.g. from {@code --vex}. */
  public ScanPolicy withVex(List<VexStatement> more) {
    List<VexStatement> all = new ArrayList<>(vex);
    all.addAll(more);
    return new ScanPolicy(file, failOn, onlyFixable, ignore, images, secrets, misconfigurations, all);
  }

  /**
   * Reads a policy file, collecting nothing silently: unknown keys, a missing reason or expiry, and
   * a bad severity are errors with file:line:column.
   */
  public static ScanPolicy read(Path path) {
    YamlDocument.Value root = YamlDocument.read(path);
    root.allowKeys("the scan policy", "failOn", "onlyFixable", "ignore", "images", "secrets", "misconfigurations",
        "vex", "ignoreFiles");
    Severity failOn = root.get("failOn").map(ScanPolicy::severity).orElse(Severity.HIGH);
    boolean onlyFixable = root.get("onlyFixable").map(YamlDocument.Value::bool).orElse(true);
    List<Ignore> ignore = new ArrayList<>(root.get("ignore").map(ScanPolicy::ignores).orElse(List.of()));
    List<ImageException> images = new ArrayList<>();
    for (YamlDocument.Value v : root.get("images").map(YamlDocument.Value::items).orElse(List.of())) {
      v.allowKeys("an image exception", "image", "failOn", "onlyFixable", "ignore");
      YamlDocument.Value imageValue = v.require("image", "an image exception");
      String image = imageValue.text();
      try {
        ImageRef.parse(image);
      } catch (InputException e) {
        throw imageValue.error(e.getMessage());
      }
      images.add(new ImageException(image, v.get("failOn").map(ScanPolicy::severity).orElse(null),
          v.get("onlyFixable").map(YamlDocument.Value::bool).orElse(null),
          v.get("ignore").map(ScanPolicy::ignores).orElse(List.of())));
    }
    KindRule secrets = root.get("secrets").map(v -> kindRule(v, "secrets", KindRule.SECRETS)).orElse(KindRule.SECRETS);
    KindRule misconfigurations = root.get("misconfigurations")
        .map(v -> kindRule(v, "misconfigurations", KindRule.MISCONFIGURATIONS)).orElse(KindRule.MISCONFIGURATIONS);
    Path base = path.toAbsolutePath().getParent();
    List<VexStatement> vex = new ArrayList<>();
    for (YamlDocument.Value v : root.get("vex").map(YamlDocument.Value::items).orElse(List.of())) {
      vex.addAll(Vex.read(relative(base, v, "vex"), vex.size()));
    }
    for (YamlDocument.Value v : root.get("ignoreFiles").map(YamlDocument.Value::items).orElse(List.of())) {
      ignore.addAll(IgnoreFile.read(relative(base, v, "ignoreFiles")));
    }
    return new ScanPolicy(path.toString(), failOn, onlyFixable, ignore, images, secrets, misconfigurations, vex);
  }

  /** {@code secrets: {enabled: true, failOn: HIGH}}: giving the block turns the kind on unless it says {@code enabled: false}. */
  private static KindRule kindRule(YamlDocument.Value v, String what, KindRule fallback) {
    v.allowKeys("'" + what + "'", "enabled", "failOn");
    boolean enabled = v.get("enabled").map(YamlDocument.Value::bool).orElse(true);
    Severity level = v.get("failOn").map(ScanPolicy::severity).orElse(fallback.failOn());
    return new KindRule(enabled, level);
  }

  /** A file named in the policy: relative to the policy's folder, and inside it (no absolute path, no '..'). */
  private static Path relative(Path base, YamlDocument.Value v, String key) {
    String text = v.text();
    String normal = text.replace('\\', '/');
    if (text.isBlank() || normal.startsWith("/") || normal.matches("[A-Za-z]:.*") || List.of(normal.split("/")).contains("..")) {
      throw v.error("'" + key + "' entries must be paths relative to the policy file's folder without '..', not '"
          + text + "'");
    }
    Path file = (base == null ? Path.of(text) : base.resolve(text)).normalize();
    if (!java.nio.file.Files.isRegularFile(file)) {
      throw v.error("'" + key + "' names " + text + ", which does not exist (looked at " + file + ")");
    }
    return file;
  }

  private static Severity severity(YamlDocument.Value v) {
    return Severity.of(v.text()).orElseThrow(() -> v.error("unknown severity '" + v.text() + "' (valid: "
        + String.join(", ", Arrays.stream(Severity.values()).map(Enum::name).toList()) + ")"));
  }

  private static List<Ignore> ignores(YamlDocument.Value list) {
    List<Ignore> out = new ArrayList<>();
    for (YamlDocument.Value v : list.items()) {
      v.allowKeys("an ignore entry", "id", "package", "reason", "expires");
      String id = v.require("id", "an ignore entry").text();
      String reason = v.get("reason").map(YamlDocument.Value::text).orElse("");
      if (reason.isBlank()) {
        throw v.error("the ignore entry for " + id + " needs a 'reason' saying why the risk is accepted");
      }
      YamlDocument.Value expiresValue = v.get("expires").orElseThrow(() -> v.error(
          "the ignore entry for " + id + " needs 'expires: YYYY-MM-DD', the last day it is accepted"));
      LocalDate expires;
      try {
        expires = LocalDate.parse(expiresValue.text());
      } catch (DateTimeParseException e) {
        throw expiresValue.error("'" + expiresValue.text() + "' is not a date of the form YYYY-MM-DD");
      }
      out.add(new Ignore(id, v.get("package").map(YamlDocument.Value::text).orElse(null), reason, expires,
          v.location()));
    }
    return out;
  }

  /** The exception for {@code image}'s repository, if the policy has one. */
  public Optional<ImageException> exceptionFor(String image) {
    if (image == null) {
      return Optional.empty();
    }
    ImageRef ref;
    try {
      ref = ImageRef.parse(image);
    } catch (InputException e) {
      return Optional.empty();
    }
    return images.stream().filter(i -> ImageRef.parse(i.image()).sameRepository(ref)).findFirst();
  }

  /**
   * Judges every finding of {@code report} for {@code image} (the report's own image name when null)
   * on {@code today}: a VEX statement that says {@code not_affected} or {@code fixed} suppresses a
   * vulnerability first; then ignore entries; then each kind's threshold (and, for vulnerabilities,
   * {@code onlyFixable}). Findings of a kind that is off are not judged, and counted as such.
   */
  public Verdict evaluate(ScanReport report, String image, LocalDate today) {
    String subject = image != null ? image : report.image();
    Optional<ImageException> exception = exceptionFor(subject);
    Severity threshold = exception.map(ImageException::failOn).orElse(null);
    if (threshold == null) {
      threshold = failOn;
    }
    Boolean fixableOnly = exception.map(ImageException::onlyFixable).orElse(null);
    boolean onlyFix = fixableOnly == null ? onlyFixable : fixableOnly;
    List<Ignore> entries = new ArrayList<>(ignore);
    exception.ifPresent(e -> entries.addAll(e.ignore()));
    List<Ignore> expired = entries.stream().filter(e -> e.expiredOn(today) && e.failsWhenExpired()).toList();
    List<Ignore> lapsed = entries.stream().filter(e -> e.expiredOn(today) && !e.failsWhenExpired()).toList();
    List<Verdict.Decision> decisions = new ArrayList<>();
    List<Finding> notJudged = new ArrayList<>();
    for (Finding f : report.findings()) {
      KindRule rule = switch (f.kind()) {
        case SECRET -> secrets;
        case MISCONFIGURATION -> misconfigurations;
        case VULNERABILITY -> new KindRule(true, threshold);
      };
      if (!rule.enabled()) {
        notJudged.add(f);
        continue;
      }
      Optional<VexStatement> statement = vexFor(f, subject, report.digest());
      if (statement.isPresent()) {
        decisions.add(new Verdict.Decision(f, Verdict.Outcome.SUPPRESSED, "VEX: " + statement.get().describe(),
            statement.get()));
        continue;
      }
      Optional<Ignore> accepted = entries.stream()
          .filter(e -> e.matches(f) && !e.expiredOn(today)).findFirst();
      if (accepted.isPresent()) {
        Ignore e = accepted.get();
        decisions.add(new Verdict.Decision(f, Verdict.Outcome.IGNORED,
            (e.expires() == null ? "ignored" : "ignored until " + e.expires()) + ": " + e.reason()));
      } else if (!f.severity().atLeast(rule.failOn())) {
        decisions.add(new Verdict.Decision(f, Verdict.Outcome.ALLOWED, "below " + rule.failOn()));
      } else if (onlyFix && !f.fixable()) {
        decisions.add(new Verdict.Decision(f, Verdict.Outcome.ALLOWED, switch (f.fix()) {
          case WONT_FIX -> "not fixable: the vendor will not fix it";
          case END_OF_LIFE -> "not fixable: the release is past its end of life";
          default -> "no fix available yet";
        }));
      } else if (f.kind() != Finding.Kind.VULNERABILITY) {
        decisions.add(new Verdict.Decision(f, Verdict.Outcome.BLOCKING, f.kind().word() + " " + f.severity()
            + (f.target().isEmpty() ? "" : " at " + f.where())));
      } else {
        decisions.add(new Verdict.Decision(f, Verdict.Outcome.BLOCKING,
            f.severity() + (f.fix() == Finding.Fix.FIXED ? " with a fix available" : "")));
      }
    }
    return new Verdict(subject, report.format(), decisions, expired, threshold, onlyFix, lapsed, notJudged);
  }

  /**
   * The statement that decides {@code f}: among those about it, the latest (by timestamp, then by
   * the order read); it suppresses only when it says {@code not_affected} or {@code fixed}.
   */
  private Optional<VexStatement> vexFor(Finding f, String image, String digest) {
    VexStatement latest = null;
    for (VexStatement s : vex) {
      if (!s.appliesTo(f, image, digest)) {
        continue;
      }
      if (latest == null || later(s, latest)) {
        latest = s;
      }
    }
    return latest != null && latest.status().suppresses() ? Optional.of(latest) : Optional.empty();
  }

  private static boolean later(VexStatement a, VexStatement b) {
    if (a.timestamp() != null && b.timestamp() != null && !a.timestamp().equals(b.timestamp())) {
      return a.timestamp().isAfter(b.timestamp());
    }
    return a.order() > b.order();
  }
}
