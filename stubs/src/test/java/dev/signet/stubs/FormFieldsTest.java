package dev.signet.stubs;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FormFieldsTest {

  @Test
  void shouldDecodeNamesAndValuesInOrder() {
    assertThat(FormFields.decode("event_name=signet_vex&payload%5Bvalue%5D=12&note=a+b%26c"))
        .containsExactly(
            org.assertj.core.api.Assertions.entry("event_name", "signet_vex"),
            org.assertj.core.api.Assertions.entry("payload[value]", "12"),
            org.assertj.core.api.Assertions.entry("note", "a b&c"));
  }

  @Test
  void shouldGiveANameWithoutValueAnEmptyOneAndLetTheLastRepeatWin() {
    assertThat(FormFields.decode("flag&a=1&a=2"))
        .containsExactly(
            org.assertj.core.api.Assertions.entry("flag", ""),
            org.assertj.core.api.Assertions.entry("a", "2"));
  }

  @Test
  void shouldReadNothingFromNoText() {
    assertThat(FormFields.decode(null)).isEmpty();
    assertThat(FormFields.decode("")).isEmpty();
  }
}
