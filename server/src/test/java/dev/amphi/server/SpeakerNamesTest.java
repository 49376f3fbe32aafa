package dev.amphi.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SpeakerNamesTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "Ada|Ada",
        "'  Ada    Lovelace '|Ada Lovelace",
        "Jean-Luc O'Brien|Jean-Luc O'Brien",
        "Dr. Who (guest)|Dr. Who (guest)",
        "Zoë Ødegård|Zoë Ødegård",
        "李雷|李雷",
        "नमस्ते दुनिया|नमस्ते दुनिया",
        "Ana_María 2|Ana_María 2",
        "Ada\u00a0Lovelace|Ada Lovelace",
    })
    void acceptsNamesOfAnyScript(String raw, String expected) {
        assertThat(SpeakerNames.parse(raw)).contains(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "\u3000"})
    void aBlankNameIsAGuest(String raw) {
        assertThat(SpeakerNames.parse(raw)).isEqualTo(Optional.empty());
    }

    @ParameterizedTest
    @ValueSource(strings = {"../../x", "<script>alert(1)</script>", "Ada\tLovelace", "Ada\nLovelace", "a/b", "a\\b",
        "Ada; DROP TABLE", "x\u0000", "\"quoted\"", "Ada\u202eecalevoL", "emoji \ud83d\ude00", "a&b", "{json}"})
    void refusesOtherCharactersWithoutRepeatingTheName(String raw) {
        assertThatThrownBy(() -> SpeakerNames.parse(raw)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a speaker name (?name=) may only have letters, digits, spaces and - _ . ' ’ ( )");
    }

    @org.junit.jupiter.api.Test
    void aNameHasAtMostSixtyFourCharacters() {
        assertThat(SpeakerNames.parse("é".repeat(64))).contains("é".repeat(64));
        assertThat(SpeakerNames.parse("Ada" + " ".repeat(100) + "L")).contains("Ada L");
        assertThatThrownBy(() -> SpeakerNames.parse("é".repeat(65))).hasMessage("a speaker name (?name=) has at most 64 characters");
    }
}
