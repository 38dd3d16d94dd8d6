package dev.ferry.cli;

import dev.ferry.core.InputException;
import dev.ferry.core.config.Names;
import dev.ferry.core.image.ImageRef;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Parses {@code SERVICE=IMAGE} arguments, in order; a service given twice is an error. */
final class ServiceImages {

  private ServiceImages() {
  }

  static Map<String, ImageRef> parse(List<String> args) {
    Map<String, ImageRef> out = new LinkedHashMap<>();
    for (String arg : args) {
      int eq = arg.indexOf('=');
      if (eq <= 0 || eq == arg.length() - 1) {
        throw new InputException("expected SERVICE=IMAGE, got '" + arg + "'");
      }
      String service = service(arg.substring(0, eq));
      if (out.put(service, ImageRef.parse(arg.substring(eq + 1))) != null) {
        throw new InputException("service '" + service + "' is given twice");
      }
    }
    return out;
  }

  /**
   * A service name as ferry.yaml allows it; anything else (an option such as {@code --approved-by},
   * a {@code @file}) is refused before it could mean something.
   */
  static String service(String name) {
    if (!Names.valid(name)) {
      throw new InputException("service name '" + name + "' " + Names.RULE + " (the grammar of ferry.yaml: "
          + Names.GRAMMAR + ")");
    }
    return name;
  }

  static List<String> services(List<String> names) {
    names.forEach(ServiceImages::service);
    return names;
  }
}
