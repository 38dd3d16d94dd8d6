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
 * }</pre>
 *
 * @param file the policy file, or null for the defaults
 * @param failOn the lowest severity that blocks
 * @param onlyFixable whether only findings with a fix block
 * @param ignore accepted findings, each with a reason and an expiry date
 * @param images exceptions for particular image repositories
 */
public record ScanPolicy(String file, Severity failOn, boolean onlyFixable, List<Ignore> ignore,
    List<ImageException> images) {

  /**
   * An accepted finding.
   *
   * @param id the vulnerability id
   * @param packageName only in this package, or null for any
   * @param reason why it is accepted (required)
   * @param expires the last day it is accepted (required)
   * @param location where it is written, for messages
   */
  public record Ignore(String id, String packageName, String reason, LocalDate expires, SourceLocation location) {
    public boolean matches(Finding f) {
      return f.isKnownAs(id) && (packageName == null || packageName.equals(f.packageName()));
    }

    public boolean expiredOn(LocalDate today) {
      return today.isAfter(expires);
    }
  }

  /** Rules for one image repository, replacing the threshold and adding ignores. */
  public record ImageException(String image, Severity failOn, Boolean onlyFixable, List<Ignore> ignore) { }

  public ScanPolicy {
    ignore = List.copyOf(ignore);
    images = List.copyOf(images);
  }

  /** CRITICAL and HIGH findings with a fix block; nothing is ignored. */
  public static ScanPolicy defaults() {
    return new ScanPolicy(null, Severity.HIGH, true, List.of(), List.of());
  }

  /** A copy with another threshold, e.g. from {@code --fail-on}. */
  public ScanPolicy withFailOn(Severity severity) {
    List<ImageException> imgs = images.stream()
        .map(i -> new ImageException(i.image(), null, i.onlyFixable(), i.ignore())).toList();
    return new ScanPolicy(file, severity, onlyFixable, ignore, imgs);
  }

  /**
   * Reads a policy file, collecting nothing silently: unknown keys, a missing reason or expiry, and
   * a bad severity are errors with file:line:column.
   */
  public static ScanPolicy read(Path path) {
    YamlDocument.Value root = YamlDocument.read(path);
    root.allowKeys("the scan policy", "failOn", "onlyFixable", "ignore", "images");
    Severity failOn = root.get("failOn").map(ScanPolicy::severity).orElse(Severity.HIGH);
    boolean onlyFixable = root.get("onlyFixable").map(YamlDocument.Value::bool).orElse(true);
    List<Ignore> ignore = root.get("ignore").map(ScanPolicy::ignores).orElse(List.of());
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
    return new ScanPolicy(path.toString(), failOn, onlyFixable, ignore, images);
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
   * on {@code today}.
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
    List<Ignore> expired = entries.stream().filter(e -> e.expiredOn(today)).toList();
    List<Verdict.Decision> decisions = new ArrayList<>();
    for (Finding f : report.findings()) {
      Optional<Ignore> accepted = entries.stream()
          .filter(e -> e.matches(f) && !e.expiredOn(today)).findFirst();
      if (accepted.isPresent()) {
        decisions.add(new Verdict.Decision(f, Verdict.Outcome.IGNORED,
            "ignored until " + accepted.get().expires() + ": " + accepted.get().reason()));
      } else if (!f.severity().atLeast(threshold)) {
        decisions.add(new Verdict.Decision(f, Verdict.Outcome.ALLOWED, "below " + threshold));
      } else if (onlyFix && !f.fixable()) {
        decisions.add(new Verdict.Decision(f, Verdict.Outcome.ALLOWED, switch (f.fix()) {
          case WONT_FIX -> "not fixable: the vendor will not fix it";
          case END_OF_LIFE -> "not fixable: the release is past its end of life";
          default -> "no fix available yet";
        }));
      } else {
        decisions.add(new Verdict.Decision(f, Verdict.Outcome.BLOCKING,
            f.severity() + (f.fix() == Finding.Fix.FIXED ? " with a fix available" : "")));
      }
    }
    return new Verdict(subject, report.format(), decisions, expired, threshold, onlyFix);
  }
}
