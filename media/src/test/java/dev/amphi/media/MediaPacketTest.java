package dev.amphi.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class MediaPacketTest {

    private static final OpusConfig OPUS = new OpusConfig(2);

    @Test
    void aPacketWithoutALevelSaysSoAndOneWithALevelKeepsEverythingElse() {
        MediaPacket p = new MediaPacket(MediaKind.AUDIO, OPUS, 960, 0, true, new byte[] {1, 2, 3});
        assertThat(p.hasAudioLevel()).isFalse();
        assertThat(p.audioLevel()).isEqualTo(MediaPacket.NO_AUDIO_LEVEL);

        MediaPacket quiet = p.withAudioLevel(90);
        assertThat(quiet.hasAudioLevel()).isTrue();
        assertThat(quiet.audioLevel()).isEqualTo(90);
        assertThat(quiet.dts()).isEqualTo(960);
        assertThat(quiet.data()).containsExactly(1, 2, 3);
        assertThat(quiet).isNotEqualTo(p).isEqualTo(p.withAudioLevel(90));
        assertThat(quiet.withAudioLevel(MediaPacket.NO_AUDIO_LEVEL)).isEqualTo(p);
        assertThat(quiet.toString()).contains("level=-90dBov");
    }

    @Test
    void aLevelOutsideRfc6464sRangeOrOnVideoIsRefused() {
        MediaPacket audio = new MediaPacket(MediaKind.AUDIO, OPUS, 0, 0, true, new byte[1]);
        assertThatThrownBy(() -> audio.withAudioLevel(128)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("0..127");
        assertThatThrownBy(() -> audio.withAudioLevel(-2)).isInstanceOf(IllegalArgumentException.class);
        MediaPacket video = new MediaPacket(MediaKind.VIDEO, new Vp8Config(320, 180), 0, 0, true, new byte[1]);
        assertThatThrownBy(() -> video.withAudioLevel(20)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("VIDEO");
    }
}
