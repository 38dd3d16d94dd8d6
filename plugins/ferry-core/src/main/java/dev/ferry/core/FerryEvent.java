package dev.ferry.core;

/**
 * Something the core wants a person to know while it works. The core never prints: it hands events
 * to the {@link FerryListener} the front end supplies.
 *
 * @param level how important it is
 * @param topic what it is about, e.g. {@code git}, {@code gate:argocd}, {@code promote}
 * @param message one line, no secrets
 */
public record FerryEvent(Level level, String topic, String message) {

  public enum Level { DEBUG, INFO, PROGRESS, WARN }

  public static FerryEvent info(String topic, String message) {
    return new FerryEvent(Level.INFO, topic, message);
  }

  public static FerryEvent progress(String topic, String message) {
    return new FerryEvent(Level.PROGRESS, topic, message);
  }

  public static FerryEvent warn(String topic, String message) {
    return new FerryEvent(Level.WARN, topic, message);
  }

  public static FerryEvent debug(String topic, String message) {
    return new FerryEvent(Level.DEBUG, topic, message);
  }
}
