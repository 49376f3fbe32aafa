package dev.amphi.core.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.amphi.core.room.LayoutChoice;
import dev.amphi.core.room.ProgramState;
import dev.amphi.core.room.SpeakerView;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class ProgramJsonTest {

    @Test
    void readsEveryLayout() {
        assertThat(ProgramJson.parseLayout("{\"layout\":\"speaker\"}")).isEqualTo(LayoutChoice.speaker());
        assertThat(ProgramJson.parseLayout("{\"layout\":\"gallery\"}")).isEqualTo(LayoutChoice.gallery(1));
        assertThat(ProgramJson.parseLayout("{\"layout\":\"Gallery\",\"page\":3}")).isEqualTo(LayoutChoice.gallery(3));
        assertThat(ProgramJson.parseLayout(" {\"layout\":\"presentation\",\"source\":\" slides \"} "))
                .isEqualTo(LayoutChoice.presentation("slides"));
    }

    @ParameterizedTest(name = "[{index}] {1}")
    @CsvSource(delimiter = '|', value = {
        "''|body must be a JSON object",
        "{|body is not valid JSON",
        "[\"speaker\"]|body must be a JSON object",
        "\"speaker\"|body must be a JSON object",
        "{}|field 'layout' must be a string",
        "{\"layout\":7}|field 'layout' must be a string",
        "{\"layout\":\"grid\"}|unknown layout 'grid', expected gallery, speaker or presentation",
        "{\"layout\":\"gallery\",\"page\":0}|gallery 'page' must be within 1..1000, was 0",
        "{\"layout\":\"gallery\",\"page\":1001}|gallery 'page' must be within 1..1000, was 1001",
        "{\"layout\":\"gallery\",\"page\":1.5}|gallery 'page' must be a whole number within 1..1000, was 1.5",
        "{\"layout\":\"gallery\",\"page\":\"2\"}|gallery 'page' must be a whole number",
        "{\"layout\":\"gallery\",\"source\":\"x\"}|gallery layout takes no 'source'",
        "{\"layout\":\"speaker\",\"page\":2}|speaker layout takes no 'page'",
        "{\"layout\":\"presentation\"}|presentation layout needs 'source'",
        "{\"layout\":\"presentation\",\"source\":\"  \"}|presentation layout needs 'source'",
        "{\"layout\":\"presentation\",\"source\":3}|presentation layout needs 'source'",
        "{\"layout\":\"speaker\",\"colour\":\"red\"}|unknown field 'colour', expected layout, page or source",
    })
    void refusesBadRequestsNamingWhatIsWrong(String body, String message) {
        assertThatThrownBy(() -> ProgramJson.parseLayout(body))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message);
    }

    @Test
    void refusesAnOverlongOrControlCharacterSource() {
        assertThatThrownBy(() -> ProgramJson.parseLayout("{\"layout\":\"presentation\",\"source\":\"" + "s".repeat(129) + "\"}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("presentation source must be a speaker id of 1 to 128 characters");
        assertThatThrownBy(() -> ProgramJson.parseLayout("{\"layout\":\"presentation\",\"source\":\"a\\u0007b\"}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("without control characters");
    }

    @Test
    void layoutsWriteWhatTheyRead() {
        for (LayoutChoice c : List.of(LayoutChoice.gallery(1), LayoutChoice.gallery(7), LayoutChoice.speaker(),
                LayoutChoice.presentation("slides"))) {
            assertThat(ProgramJson.parseLayout(ProgramJson.layout(c).encode())).isEqualTo(c);
        }
        assertThat(ProgramJson.layout(LayoutChoice.presentation("slides")))
                .isEqualTo(new JsonObject().put("layout", "presentation").put("source", "slides"));
    }

    @Test
    void writesProgramStateWithRoundedLevels() {
        ProgramState s = new ProgramState(ProgramState.Mode.COMPOSITE, true, Optional.of(LayoutChoice.speaker()),
                Optional.of("ada"), List.of(new SpeakerView("ada", "Ada", -12.345, true),
                        new SpeakerView("bob", "Bob", Double.NEGATIVE_INFINITY, false, true, 812)));

        JsonObject o = ProgramJson.state("panel", s, true);

        assertThat(o.encode()).isEqualTo("{\"room\":\"panel\",\"mode\":\"composite\",\"running\":true,\"live\":true,"
                + "\"layout\":{\"layout\":\"speaker\"},\"activeSpeaker\":\"ada\",\"speakers\":["
                + "{\"id\":\"ada\",\"name\":\"Ada\",\"level\":-12.3,\"visible\":true,\"muted\":false,\"kbps\":0},"
                + "{\"id\":\"bob\",\"name\":\"Bob\",\"level\":-120.0,\"visible\":false,\"muted\":true,\"kbps\":812}]}");
        assertThat(ProgramJson.state("hall", ProgramState.passthrough(), false).encode())
                .isEqualTo("{\"room\":\"hall\",\"mode\":\"passthrough\",\"running\":false,\"live\":false,"
                        + "\"layout\":null,\"activeSpeaker\":null,\"speakers\":[]}");
    }

    @Test
    void valueTypesRefuseInconsistentValues() {
        assertThatThrownBy(() -> new LayoutChoice(LayoutChoice.Kind.SPEAKER, 2, null)).hasMessageContaining("speaker layout has no pages");
        assertThatThrownBy(() -> new LayoutChoice(LayoutChoice.Kind.GALLERY, 1, "x")).hasMessageContaining("gallery layout takes no source");
        assertThatThrownBy(() -> new ProgramState(ProgramState.Mode.PASSTHROUGH, true, Optional.empty(), Optional.empty(), List.of()))
                .hasMessageContaining("passthrough room has no running program");
        assertThatThrownBy(() -> new SpeakerView("a", "A", Double.NaN, true)).hasMessageContaining("level must be a number");
        assertThat(LayoutChoice.gallery(2).spec()).isEqualTo("gallery:2");
        assertThat(LayoutChoice.presentation("slides").spec()).isEqualTo("presentation:slides");
    }
}
