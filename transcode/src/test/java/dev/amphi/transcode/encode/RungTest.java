package dev.amphi.transcode.encode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RungTest {

    @Test
    void defaultsAreTheDesignLadderWithEvenSizes() {
        assertThat(Rung.defaults()).extracting(Rung::toString)
                .containsExactly("1080p:1920x1080:6000k", "720p:1280x720:3000k", "480p:852x480:1200k", "360p:640x360:700k");
    }

    @Test
    void parsesNameSizeAndBitrateWithSuffixes() {
        assertThat(Rung.parse("720p:1280x720:3000k")).isEqualTo(new Rung("720p", 1280, 720, 3_000_000));
        assertThat(Rung.parse("hd:1920x1080:6M")).isEqualTo(new Rung("hd", 1920, 1080, 6_000_000));
        assertThat(Rung.parse("low:320x180:250000")).isEqualTo(new Rung("low", 320, 180, 250_000));
        assertThat(Rung.parse(Rung.defaults().get(2).toString())).isEqualTo(Rung.defaults().get(2));
    }

    @Test
    void rejectsBadRungsNamingTheProblem() {
        assertThatThrownBy(() -> Rung.parse("720p-1280x720")).hasMessageContaining("'720p-1280x720'");
        assertThatThrownBy(() -> Rung.parse("480p:853x480:1200k")).hasMessageContaining("width must be even").hasMessageContaining("853");
        assertThatThrownBy(() -> new Rung("Audio", 640, 360, 1)).hasMessageContaining("[a-z0-9]+");
        assertThatThrownBy(() -> new Rung("big", 8000, 360, 1)).hasMessageContaining("16..7680");
        assertThatThrownBy(() -> new Rung("z", 640, 360, 0)).hasMessageContaining("bitrate must be positive");
        assertThatThrownBy(() -> Rung.parse("x:640x360:9000m")).hasMessageContaining("too large");
    }

    @Test
    void encoderSettingsValidateEveryField() {
        assertThat(VideoCodec.parse("x264")).isEqualTo(VideoCodec.LIBX264);
        assertThat(VideoCodec.parse("h264_nvenc")).isEqualTo(VideoCodec.NVENC);
        assertThatThrownBy(() -> VideoCodec.parse("vp9")).hasMessageContaining("'vp9'");
        assertThatThrownBy(() -> EncoderSettings.x264("ultrafast", 0, 1)).hasMessageContaining("fps");
        assertThatThrownBy(() -> EncoderSettings.x264("ultrafast", 30, 0)).hasMessageContaining("gopFrames");
        assertThatThrownBy(() -> EncoderSettings.x264("ultrafast", 30, 30).withThreads(-1)).hasMessageContaining("threads");
        assertThatThrownBy(() -> new EncoderSettings(VideoCodec.NVENC, "ultrafast", 30, 30, 0)).hasMessageContaining("p1");
    }
}
