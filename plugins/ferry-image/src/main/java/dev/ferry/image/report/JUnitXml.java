package dev.ferry.image.report;

import dev.ferry.core.InputException;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

/**
 * A JUnit XML report, the format Jenkins' junit step and most CI systems read: one test suite of
 * test cases that passed, failed or were skipped.
 *
 * <pre>{@code
 * JUnitXml.write(Path.of("scan.xml"), "ferry scan shop/web:1.4.2",
 *     List.of(JUnitXml.TestCase.failed("openssl", "CVE-2024-1", "HIGH", "fixed in 3.0.7")));
 * }</pre>
 */
public final class JUnitXml {

  private JUnitXml() {
  }

  /** One test case; {@code failure} and {@code skipped} are null unless it failed or was skipped. */
  public record TestCase(String className, String name, String failureType, String failure, String skipped) {
    public static TestCase passed(String className, String name) {
      return new TestCase(className, name, null, null, null);
    }

    public static TestCase failed(String className, String name, String type, String message) {
      return new TestCase(className, name, type, message, null);
    }

    public static TestCase skipped(String className, String name, String why) {
      return new TestCase(className, name, null, null, why);
    }
  }

  /** The XML text of one suite. */
  public static String render(String suite, List<TestCase> cases) {
    StringWriter out = new StringWriter();
    try {
      XMLStreamWriter w = XMLOutputFactory.newFactory().createXMLStreamWriter(out);
      w.writeStartDocument("UTF-8", "1.0");
      w.writeCharacters("\n");
      w.writeStartElement("testsuites");
      w.writeCharacters("\n  ");
      w.writeStartElement("testsuite");
      w.writeAttribute("name", suite);
      w.writeAttribute("tests", Integer.toString(cases.size()));
      w.writeAttribute("failures", Long.toString(cases.stream().filter(c -> c.failure() != null).count()));
      w.writeAttribute("errors", "0");
      w.writeAttribute("skipped", Long.toString(cases.stream().filter(c -> c.skipped() != null).count()));
      for (TestCase c : cases) {
        w.writeCharacters("\n    ");
        w.writeStartElement("testcase");
        w.writeAttribute("classname", c.className());
        w.writeAttribute("name", c.name());
        if (c.failure() != null) {
          w.writeCharacters("\n      ");
          w.writeStartElement("failure");
          w.writeAttribute("type", c.failureType() == null ? "failure" : c.failureType());
          w.writeAttribute("message", c.failure());
          w.writeCharacters(c.failure());
          w.writeEndElement();
          w.writeCharacters("\n    ");
        } else if (c.skipped() != null) {
          w.writeCharacters("\n      ");
          w.writeEmptyElement("skipped");
          w.writeAttribute("message", c.skipped());
          w.writeCharacters("\n    ");
        }
        w.writeEndElement();
      }
      w.writeCharacters("\n  ");
      w.writeEndElement();
      w.writeCharacters("\n");
      w.writeEndElement();
      w.writeEndDocument();
      w.close();
    } catch (XMLStreamException e) {
      throw new IllegalStateException("cannot write JUnit XML", e);
    }
    return out + "\n";
  }

  /** Writes the suite to {@code file}, creating its folder. */
  public static void write(Path file, String suite, List<TestCase> cases) {
    writeText(file, render(suite, cases));
  }

  /** Writes {@code text} to {@code file}, creating its folder; a failure is bad input (the path). */
  public static void writeText(Path file, String text) {
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      Files.writeString(file, text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new InputException("cannot write " + file + ": " + e.getMessage());
    }
  }
}
