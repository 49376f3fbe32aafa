package dev.amphi.transcode.layout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LayoutTest {

    @Test
    void parsesEveryLayoutName() {
        assertThat(Layout.parse("gallery")).isEqualTo(new Layout.Gallery(1));
        assertThat(Layout.parse("gallery:2")).isEqualTo(new Layout.Gallery(2));
        assertThat(Layout.parse(" Speaker ")).isEqualTo(new Layout.ActiveSpeaker());
        assertThat(Layout.parse("presentation:slides-1")).isEqualTo(new Layout.Presentation("slides-1"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"gallery", "gallery:3", "speaker", "presentation:Alice:screen"})
    void specReadsBackToTheSameLayout(String text) {
        Layout layout = Layout.parse(text);
        assertThat(Layout.parse(layout.spec())).isEqualTo(layout);
        assertThat(layout.spec()).isEqualTo(text);
    }

    @Test
    void rejectsBadLayoutsNamingTheText() {
        assertThatThrownBy(() -> Layout.parse("grid")).hasMessageContaining("'grid'").hasMessageContaining("gallery");
        assertThatThrownBy(() -> Layout.parse("gallery:x")).hasMessageContaining("'x'");
        assertThatThrownBy(() -> Layout.parse("gallery:0")).hasMessageContaining("1..1000");
        assertThatThrownBy(() -> Layout.parse("presentation:")).hasMessageContaining("presentation:<speaker id>");
        assertThatThrownBy(() -> Layout.parse("speaker:1")).hasMessageContaining("no argument");
    }
}
