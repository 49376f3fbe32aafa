package dev.amphi.hls.playlist;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Renders the multivariant (master) playlist of a stream: one variant (the video rendition, or the
 * audio rendition when there is no video) and, with both tracks, the audio rendition as an
 * {@code EXT-X-MEDIA TYPE=AUDIO} group the variant refers to. Pure function; any thread.
 */
public final class MasterPlaylist {

    /** Group ID of the audio rendition. */
    public static final String AUDIO_GROUP = "audio";

    private MasterPlaylist() {
    }

    /**
     * What the master playlist says about one stream.
     *
     * @param videoUri         relative URI of the video playlist, or null without video
     * @param audioUri         relative URI of the audio playlist, or null without audio
     * @param videoCodec       RFC 6381 video codec, null without video
     * @param audioCodec       RFC 6381 audio codec, null without audio
     * @param audioChannels    channels of the audio, 0 when unknown
     * @param bandwidth        peak bits per second of video + audio
     * @param averageBandwidth average bits per second of video + audio
     * @param width            video width, 0 when unknown
     * @param height           video height, 0 when unknown
     * @param frameRate        frames per second, 0 when unknown
     */
    public record Variant(String videoUri, String audioUri, String videoCodec, String audioCodec, int audioChannels,
                          long bandwidth, long averageBandwidth, int width, int height, double frameRate) {
        public Variant {
            if (videoUri == null && audioUri == null) {
                throw new IllegalArgumentException("a variant needs video or audio");
            }
            if ((videoUri == null) != (videoCodec == null) || (audioUri == null) != (audioCodec == null)) {
                throw new IllegalArgumentException("every rendition needs its codec: video " + videoUri + "/"
                        + videoCodec + ", audio " + audioUri + "/" + audioCodec);
            }
        }
    }

    public static String render(Variant v) {
        StringBuilder sb = new StringBuilder(512);
        sb.append("#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-INDEPENDENT-SEGMENTS\n");
        boolean audioGroup = v.videoUri() != null && v.audioUri() != null;
        if (audioGroup) {
            sb.append("#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID=\"").append(AUDIO_GROUP)
                    .append("\",NAME=\"audio\",DEFAULT=YES,AUTOSELECT=YES");
            if (v.audioChannels() > 0) {
                sb.append(",CHANNELS=\"").append(v.audioChannels()).append('"');
            }
            sb.append(",URI=\"").append(v.audioUri()).append("\"\n");
        }
        List<String> codecs = new ArrayList<>(2);
        if (v.videoCodec() != null) {
            codecs.add(v.videoCodec());
        }
        if (v.audioCodec() != null) {
            codecs.add(v.audioCodec());
        }
        sb.append("#EXT-X-STREAM-INF:BANDWIDTH=").append(Math.max(1, v.bandwidth()));
        sb.append(",AVERAGE-BANDWIDTH=").append(Math.max(1, v.averageBandwidth()));
        sb.append(",CODECS=\"").append(String.join(",", codecs)).append('"');
        if (v.videoUri() != null && v.width() > 0 && v.height() > 0) {
            sb.append(",RESOLUTION=").append(v.width()).append('x').append(v.height());
        }
        if (v.videoUri() != null && v.frameRate() > 0) {
            sb.append(",FRAME-RATE=").append(String.format(Locale.ROOT, "%.3f", v.frameRate()));
        }
        if (audioGroup) {
            sb.append(",AUDIO=\"").append(AUDIO_GROUP).append('"');
        }
        sb.append('\n').append(v.videoUri() != null ? v.videoUri() : v.audioUri()).append('\n');
        return sb.toString();
    }
}
