package dev.amphi.hls.playlist;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Renders the multivariant (master) playlist of a stream: one variant per video rendition (one for
 * a passthrough stream, one per rung of a ladder, in the order given: players start with the
 * first), or the audio rendition when there is no video; with audio, the audio rendition as an
 * {@code EXT-X-MEDIA TYPE=AUDIO} group every variant refers to. Pure function; any thread.
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
        return render(List.of(v));
    }

    /**
     * The master of several variants sharing one audio rendition (a ladder): the
     * {@code EXT-X-MEDIA} line comes from the first variant, and every variant must name the same
     * audio playlist (or none). The last may be audio-only (that audio playlist as a variant of its
     * own, for listeners on a connection too slow for any video; players that do not want it, such
     * as hls.js with video variants, leave it out).
     */
    public static String render(List<Variant> variants) {
        if (variants.isEmpty()) {
            throw new IllegalArgumentException("a master playlist needs at least one variant");
        }
        Variant first = variants.get(0);
        for (int i = 0; i < variants.size(); i++) {
            Variant v = variants.get(i);
            if (!Objects.equals(v.audioUri(), first.audioUri())) {
                throw new IllegalArgumentException("variants share one audio rendition, got " + first.audioUri()
                        + " and " + v.audioUri());
            }
            if (variants.size() > 1 && v.videoUri() == null && (i != variants.size() - 1 || first.videoUri() == null)) {
                throw new IllegalArgumentException("an audio-only variant comes last, after variants with video");
            }
        }
        StringBuilder sb = new StringBuilder(256 + 256 * variants.size());
        sb.append("#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-INDEPENDENT-SEGMENTS\n");
        Variant v = first;
        boolean audioGroup = v.videoUri() != null && v.audioUri() != null;
        if (audioGroup) {
            sb.append("#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID=\"").append(AUDIO_GROUP)
                    .append("\",NAME=\"audio\",DEFAULT=YES,AUTOSELECT=YES");
            if (v.audioChannels() > 0) {
                sb.append(",CHANNELS=\"").append(v.audioChannels()).append('"');
            }
            sb.append(",URI=\"").append(v.audioUri()).append("\"\n");
        }
        for (Variant each : variants) {
            streamInf(sb, each, audioGroup);
        }
        return sb.toString();
    }

    private static void streamInf(StringBuilder sb, Variant v, boolean audioGroup) {
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
        if (audioGroup && v.videoUri() != null) { // an audio-only variant is the group's playlist itself
            sb.append(",AUDIO=\"").append(AUDIO_GROUP).append('"');
        }
        sb.append('\n').append(v.videoUri() != null ? v.videoUri() : v.audioUri()).append('\n');
    }
}
