package dev.ferry.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Base64;
import java.util.List;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SecretMaskTest {

  @Test
  void masksTheSecretInEveryFormAServerMayEchoIt() {
    SecretMask mask = SecretMask.of(List.of("p@ss\"w/rd", "ab")).withBasic("ci", "p@ss\"w/rd");
    String basic = Base64.getEncoder().encodeToString("ci:p@ss\"w/rd".getBytes(StandardCharsets.UTF_8));
    assertThat(mask.apply("raw p@ss\"w/rd, url p%40ss%22w%2Frd, json {\"t\":\"p@ss\\\"w/rd\"}, basic " + basic
        + ", https://ci:x@git.example.com/env.git, short ab"))
        .isEqualTo("raw ***, url ***, json {\"t\":\"***\"}, basic ***, https://git.example.com/env.git, short ab");
  }

  @Test
  void noneStillRemovesUserInformationFromUrls() {
    assertThat(SecretMask.NONE.apply("cannot fetch https://bot:t0ken@git.example.com/env.git"))
        .isEqualTo("cannot fetch https://git.example.com/env.git");
  }

  @Test
  void userInformationIsRemovedWhateverStandsBeforeTheScheme() {
    assertThat(SecretMask.NONE.apply("1https://u:p@h/x git+ssh://u:p@h (https://u:p@h) xhttps://u:p@h"
        + " a.b-c://u:p@h \"s3://k:s@b\" https://a@b@h"))
        .isEqualTo("1https://h/x git+ssh://h (https://h) xhttps://h a.b-c://h \"s3://b\" https://b@h");
  }

  @Test
  void masksTheUrlAtTheEndOfALongTextOfImageReferences() {
    String words = "registry.example.com/shop/svc-0001-with-a-long-name:1.2.3@sha256:" + "a".repeat(64) + " ";
    String text = words.repeat(4_000) + "https://bot:t0ken@git.example.com/env.git";
    assertThat(SecretMask.NONE.apply(text)).endsWith(" https://git.example.com/env.git").hasSize(text.length() - 10);
  }
}
