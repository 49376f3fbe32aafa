package dev.amphi.hls;

import dev.amphi.media.AacConfig;
import dev.amphi.media.AvcConfig;
import dev.amphi.media.MediaKind;
import dev.amphi.media.MediaPacket;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Synthetic packets for unit tests: a real 320x240 High-profile SPS/PPS (from libx264) with
 * made-up slice payloads, 30 fps with two B-frames between references and a keyframe every
 * {@code gop} frames, and 44.1 kHz AAC frames, interleaved in decode order like an RTMP publisher.
 */
public final class Synthetic {

    public static final AvcConfig AVC = AvcConfig.parse(HexFormat.of().parseHex(
            "0164000dffe100186764000dacd94141fa10000003001000000303c0f142996001000468efbcb0fdf8f800"));
    public static final AacConfig AAC = AacConfig.lc(44100, 2);
    public static final int FRAME = 3000;

    private Synthetic() {
    }

    /** {@code seconds} of video (keyframe every {@code gop} frames) and audio, starting at {@code startDts}. */
    public static List<MediaPacket> stream(double seconds, int gop, long startDts, boolean video, boolean audio) {
        List<MediaPacket> out = new ArrayList<>();
        int frames = (int) Math.round(seconds * 30);
        long audioFrames = Math.round(seconds * 44100 / 1024);
        int a = 0;
        for (int i = 0; i < frames || (audio && a < audioFrames); i++) {
            long vdts = startDts + (long) i * FRAME;
            while (audio && a < audioFrames && audioDts(startDts, a) <= vdts) {
                out.add(new MediaPacket(MediaKind.AUDIO, AAC, audioDts(startDts, a), 0, true, payload(a, 200)));
                a++;
            }
            if (video && i < frames) {
                boolean key = i % gop == 0;
                // decode order I P B B P B B ...: references are shown 3 frames later, B-frames 1 frame later
                int cto = (i % 3 == 0 || key) ? 2 * FRAME : (i % 3 == 1 ? 4 * FRAME : 0);
                out.add(new MediaPacket(MediaKind.VIDEO, AVC, vdts, cto, key, payload(i, key ? 3000 : 500)));
            }
        }
        return out;
    }

    private static long audioDts(long start, int index) {
        // milliseconds, as RTMP carries them
        return start + Math.round(index * 1024 * 1000.0 / 44100) * 90;
    }

    private static byte[] payload(int index, int size) {
        byte[] b = new byte[size];
        b[0] = (byte) (size >> 24);
        b[1] = (byte) (size >> 16);
        b[2] = (byte) ((size - 4) >> 8);
        b[3] = (byte) (size - 4);
        b[4] = 0x65;
        b[5] = (byte) index;
        return b;
    }
}
