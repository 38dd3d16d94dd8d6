package dev.ferry.core.history;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.ferry.core.InputException;
import java.util.ArrayList;
import java.util.List;

/**
 * What Ferry keeps in the git note ({@code refs/notes/ferry}) of a commit: verifications of the
 * images the commit deployed, and versions blocked by a rollback. Notes are JSON so that people and
 * other tools can read them with {@code git notes --ref=ferry show <commit>}.
 *
 * <pre>{@code
 * String note = Evidence.parse(oldNote).withVerification(record).toJson();
 * }</pre>
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record Evidence(List<VerificationRecord> verifications, List<BlockRecord> blocks) {

  static final ObjectMapper JSON = JsonMapper.builder()
      .addModule(new JavaTimeModule())
      .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(SerializationFeature.INDENT_OUTPUT)
      .build();

  public static final Evidence EMPTY = new Evidence(List.of(), List.of());

  public Evidence {
    verifications = verifications == null ? List.of() : List.copyOf(verifications);
    blocks = blocks == null ? List.of() : List.copyOf(blocks);
  }

  /** Reads a note; an absent or empty note is empty evidence. */
  public static Evidence parse(String note) {
    if (note == null || note.isBlank()) {
      return EMPTY;
    }
    try {
      return JSON.readValue(note, Evidence.class);
    } catch (JsonProcessingException e) {
      throw new InputException("the ferry note is not valid JSON: " + e.getOriginalMessage(), null,
          "inspect it with 'git notes --ref=ferry show <commit>'", e);
    }
  }

  public String toJson() {
    try {
      return JSON.writeValueAsString(this) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write evidence", e);
    }
  }

  public Evidence withVerification(VerificationRecord record) {
    List<VerificationRecord> all = new ArrayList<>(verifications);
    all.add(record);
    return new Evidence(all, blocks);
  }

  public Evidence withBlock(BlockRecord block) {
    List<BlockRecord> all = new ArrayList<>(blocks);
    all.add(block);
    return new Evidence(verifications, all);
  }

  /** Marks every active block of {@code image} for {@code service} in {@code environment} released. */
  public Evidence withRelease(String environment, String service, String image, BlockRecord.Release release) {
    List<BlockRecord> all = new ArrayList<>();
    for (BlockRecord b : blocks) {
      all.add(b.active() && b.matches(environment, service, image) ? b.released(release) : b);
    }
    return new Evidence(verifications, all);
  }

  static ObjectMapper mapper() {
    return JSON;
  }
}
