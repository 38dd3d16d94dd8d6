package dev.ferry.core.edit;

import dev.ferry.core.InputException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Which documents of a multi-document YAML file an edit applies to.
 *
 * <pre>{@code
 * DocumentSelector.parse("kind=Deployment,name=web"); // name is metadata.name
 * DocumentSelector.index(2);                          // the third document
 * }</pre>
 *
 * @param mode how documents are chosen
 * @param index the document index from 0, for {@link Mode#INDEX}
 * @param fields top-level fields to match for {@link Mode#MATCH}: {@code kind}, {@code apiVersion},
 *     {@code name} and {@code namespace} (both under {@code metadata})
 */
public record DocumentSelector(Mode mode, int index, Map<String, String> fields) {

  /** How documents are chosen. */
  public enum Mode {
    /** Every document that has the path; at least one must. */
    ALL,
    /** The document at an index. */
    INDEX,
    /** The one document whose fields match. */
    MATCH,
    /** The file's only document; refused when it has several. */
    SINGLE
  }

  public DocumentSelector {
    fields = Map.copyOf(fields);
  }

  public static DocumentSelector all() {
    return new DocumentSelector(Mode.ALL, 0, Map.of());
  }

  public static DocumentSelector first() {
    return index(0);
  }

  public static DocumentSelector single() {
    return new DocumentSelector(Mode.SINGLE, 0, Map.of());
  }

  public static DocumentSelector index(int index) {
    if (index < 0) {
      throw new InputException("document index " + index + " is negative; documents count from 0");
    }
    return new DocumentSelector(Mode.INDEX, index, Map.of());
  }

  /**
   * Parses {@code kind=Deployment,name=web}.
   *
   * @throws InputException for an empty selector or an unknown field
   */
  public static DocumentSelector parse(String text) {
    Map<String, String> fields = new LinkedHashMap<>();
    for (String part : text.split(",", -1)) {
      int eq = part.indexOf('=');
      String key = eq < 0 ? "" : part.substring(0, eq).trim();
      if (eq <= 0 || !(key.equals("kind") || key.equals("name") || key.equals("namespace")
          || key.equals("apiVersion"))) {
        throw new InputException("invalid document selector '" + text + "'", null,
            "write field=value pairs separated by commas; fields: kind, apiVersion, name, namespace"
                + " (e.g. kind=Deployment,name=web)", null);
      }
      fields.put(key, part.substring(eq + 1).trim());
    }
    return new DocumentSelector(Mode.MATCH, 0, fields);
  }

  /** The YAML path of a selector field inside a Kubernetes manifest. */
  static YamlPath fieldPath(String field) {
    return switch (field) {
      case "name", "namespace" -> YamlPath.parse("metadata." + field);
      default -> YamlPath.parse(field);
    };
  }

  @Override
  public String toString() {
    return switch (mode) {
      case ALL -> "all documents";
      case SINGLE -> "the only document";
      case INDEX -> "document " + index;
      case MATCH -> "the document with " + fields.toString().replaceAll("[{}]", "");
    };
  }
}
