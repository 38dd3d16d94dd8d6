package dev.ferry.image.scan;

import dev.ferry.core.InputException;
import dev.ferry.core.image.ImageRef;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * One VEX statement: a vendor's word on whether a vulnerability affects a product, read from an
 * OpenVEX document or a CycloneDX VEX (see {@link Vex}).
 *
 * <pre>{@code
 * boolean applies = statement.appliesTo(finding, "registry.example.com/shop/web:1.4.2", "sha256:...");
 * }</pre>
 *
 * @param vulnerability the vulnerability id the statement is about
 * @param aliases its other ids
 * @param products what the statement is about: the image or packages in it
 * @param status what the vendor says
 * @param justification why (OpenVEX {@code justification}, CycloneDX {@code analysis.justification}), may be empty
 * @param document the file it was read from, with the statement's place in it ({@code vex.json statements[2]})
 * @param timestamp when it was made, or null; the latest statement about a finding decides
 * @param order its place among every statement read, breaking timestamp ties (later wins)
 */
public record VexStatement(String vulnerability, List<String> aliases, List<Product> products, Status status,
    String justification, String document, Instant timestamp, int order) {

  /** The VEX status; only {@code not_affected} and {@code fixed} suppress a finding. */
  public enum Status {
    NOT_AFFECTED, FIXED, AFFECTED, UNDER_INVESTIGATION;

    public boolean suppresses() {
      return this == NOT_AFFECTED || this == FIXED;
    }

    /** {@code not_affected}: OpenVEX's spelling. */
    public String word() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * A product of a statement: the image (an {@code pkg:oci} purl or an image reference) or a package
   * (any other purl), with the image's packages it is limited to.
   *
   * @param id the purl or image reference
   * @param subcomponents packages of the image the statement is limited to (purls or names); empty for all
   */
  public record Product(String id, List<String> subcomponents) {
    public Product {
      subcomponents = List.copyOf(subcomponents);
    }
  }

  public VexStatement {
    aliases = List.copyOf(aliases);
    products = List.copyOf(products);
    justification = justification == null ? "" : justification;
  }

  /**
   * Whether this statement is about {@code f} in the image {@code image} (a reference, may be null)
   * whose digest is {@code digest} (may be null): the vulnerability matches by id or alias, and one
   * product names the image (and, when it lists subcomponents, one of them names the package) or
   * names the package itself.
   */
  public boolean appliesTo(Finding f, String image, String digest) {
    if (f.kind() != Finding.Kind.VULNERABILITY) {
      return false;
    }
    boolean sameVulnerability = f.isKnownAs(vulnerability) || aliases.stream().anyMatch(f::isKnownAs);
    if (!sameVulnerability) {
      return false;
    }
    for (Product p : products) {
      if (isImage(p.id())) {
        if (namesImage(p.id(), image, digest)
            && (p.subcomponents().isEmpty() || p.subcomponents().stream().anyMatch(s -> namesPackage(s, f)))) {
          return true;
        }
      } else if (namesPackage(p.id(), f)) {
        return true;
      }
    }
    return false;
  }

  private static boolean isImage(String id) {
    return !id.startsWith("pkg:") || id.startsWith("pkg:oci/") || id.startsWith("pkg:docker/");
  }

  /**
   * An {@code pkg:oci/NAME@DIGEST?repository_url=R&tag=T} purl or an image reference names the
   * image when the repository is the same (the purl's {@code repository_url}, or its name as the last
   * path segment when it has none) and, where it gives a digest or tag, that is the image's too. A
   * digest the statement names never matches an image whose digest is not known.
   */
  static boolean namesImage(String id, String image, String digest) {
    if (image == null && digest == null) {
      return false;
    }
    Optional<ImageRef> scanned = Optional.empty();
    if (image != null) {
      try {
        scanned = Optional.of(ImageRef.parse(image));
      } catch (InputException e) {
        scanned = Optional.empty();
      }
    }
    String imageDigest = digest != null ? digest : scanned.map(ImageRef::digest).orElse(null);
    if (id.startsWith("pkg:")) {
      Purl purl = Purl.parse(id);
      if (purl.version() != null && purl.version().startsWith("sha256:")) {
        if (imageDigest == null || !imageDigest.equalsIgnoreCase(purl.version())) {
          return false;
        }
      }
      String tag = purl.qualifier("tag");
      if (tag != null && scanned.map(ImageRef::tag).filter(tag::equals).isEmpty()) {
        return false;
      }
      String repositoryUrl = purl.qualifier("repository_url");
      if (scanned.isEmpty()) {
        return purl.version() != null && purl.version().startsWith("sha256:");
      }
      ImageRef ref = scanned.get();
      if (repositoryUrl != null) {
        try {
          return ImageRef.parse(repositoryUrl).sameRepository(ref);
        } catch (InputException e) {
          return false;
        }
      }
      String name = ref.name();
      return name.substring(name.lastIndexOf('/') + 1).equals(purl.name());
    }
    ImageRef product;
    try {
      product = ImageRef.parse(id);
    } catch (InputException e) {
      return false;
    }
    if (scanned.isEmpty() || !product.sameRepository(scanned.get())) {
      return false;
    }
    if (product.digest() != null && (imageDigest == null || !imageDigest.equalsIgnoreCase(product.digest()))) {
      return false;
    }
    return product.tag() == null || product.digest() != null || product.tag().equals(scanned.get().tag());
  }

  /**
   * A purl names the package when type, namespace and name equal the finding's purl (and the version
   * too where the statement gives one); a finding without a purl is compared by name and version. A
   * plain name compares with the package name.
   */
  static boolean namesPackage(String id, Finding f) {
    if (!id.startsWith("pkg:")) {
      return id.equals(f.packageName());
    }
    Purl want = Purl.parse(id);
    if (!f.purl().isEmpty()) {
      Purl have = Purl.parse(f.purl());
      return want.type().equals(have.type()) && want.namespace().equals(have.namespace())
          && want.name().equals(have.name()) && (want.version() == null || want.version().equals(have.version()));
    }
    return want.name().equals(f.packageName())
        && (want.version() == null || want.version().equals(f.installedVersion()));
  }

  /** The parts of a package URL ({@code pkg:type/namespace/name@version?qualifiers}) a match needs. */
  record Purl(String type, String namespace, String name, String version, String qualifiers) {
    static Purl parse(String text) {
      String rest = text.substring("pkg:".length());
      int hash = rest.indexOf('#');
      if (hash >= 0) {
        rest = rest.substring(0, hash);
      }
      String qualifiers = "";
      int q = rest.indexOf('?');
      if (q >= 0) {
        qualifiers = rest.substring(q + 1);
        rest = rest.substring(0, q);
      }
      String version = null;
      int at = rest.lastIndexOf('@');
      if (at >= 0) {
        version = decode(rest.substring(at + 1));
        rest = rest.substring(0, at);
      }
      int slash = rest.indexOf('/');
      String type = slash < 0 ? rest : rest.substring(0, slash);
      String path = slash < 0 ? "" : rest.substring(slash + 1);
      int last = path.lastIndexOf('/');
      String namespace = last < 0 ? "" : decode(path.substring(0, last));
      String name = decode(last < 0 ? path : path.substring(last + 1));
      return new Purl(type.toLowerCase(Locale.ROOT), namespace, name, version, qualifiers);
    }

    String qualifier(String key) {
      for (String pair : qualifiers.split("&")) {
        int eq = pair.indexOf('=');
        if (eq > 0 && pair.substring(0, eq).equals(key)) {
          return decode(pair.substring(eq + 1));
        }
      }
      return null;
    }

    private static String decode(String s) {
      return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }
  }

  /** {@code not_affected (vulnerable_code_not_present) in vex.json statements[0]}. */
  public String describe() {
    return status.word() + (justification.isEmpty() ? "" : " (" + justification + ")") + " in " + document;
  }
}
