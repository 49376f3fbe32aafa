package dev.amphi.transcode.demo;

import dev.amphi.media.AacConfig;
import dev.amphi.media.AvcConfig;
import dev.amphi.media.MediaPacket;
import dev.amphi.transcode.encode.AacEncoder;
import dev.amphi.transcode.encode.EncoderSettings;
import dev.amphi.transcode.encode.H264Encoder;
import dev.amphi.transcode.encode.VideoCodec;
import dev.amphi.transcode.frame.Picture;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * One demo speaker's media, encoded once: {@link DemoLook#LOOP_FRAMES} video frames (H.264, x264
 * {@code ultrafast}, one thread, 800 kbit/s, an IDR every second, so every loop starts with an
 * IDR) and {@link DemoTone#LOOP_FRAMES} AAC frames of its tone, once loud and once quiet. The audio
 * packets are taken from the second of two encoded loops, so they carry the encoder's steady state
 * (no priming) and the last one leads into the first one seamlessly; loud and quiet packets of the
 * same index cover the same samples and can be swapped packet by packet.
 *
 * @param video packets of one video loop in decode order, pts = frame × 3000 (90 kHz)
 * @param loud  AAC packets of one loop at the loud level, in order
 * @param quiet AAC packets of one loop at the quiet level, in order
 */
record DemoLoop(AvcConfig videoConfig, List<MediaPacket> video, AacConfig audioConfig, List<MediaPacket> loud,
                List<MediaPacket> quiet) {

    static final int VIDEO_BITRATE = 800_000;
    static final int AUDIO_BITRATE = 96_000;
    /** 90 kHz ticks per video frame and per video loop. */
    static final long FRAME_TICKS = MediaPacket.TIMESCALE / DemoLook.FPS;
    static final long VIDEO_LOOP_TICKS = DemoLook.LOOP_FRAMES * FRAME_TICKS;
    /** 90 kHz ticks per AAC frame: 1024 samples at 48 kHz = 1920. */
    static final long AUDIO_FRAME_TICKS = (long) DemoTone.FRAME * MediaPacket.TIMESCALE / DemoTone.SAMPLE_RATE;

    DemoLoop {
        video = List.copyOf(video);
        loud = List.copyOf(loud);
        quiet = List.copyOf(quiet);
        if (video.size() != DemoLook.LOOP_FRAMES || !video.get(0).keyframe()) {
            throw new IllegalStateException("demo video loop must be " + DemoLook.LOOP_FRAMES
                    + " packets starting with a keyframe, got " + video.size());
        }
        if (loud.size() != DemoTone.LOOP_FRAMES || quiet.size() != DemoTone.LOOP_FRAMES) {
            throw new IllegalStateException("demo audio loops must be " + DemoTone.LOOP_FRAMES + " packets, got "
                    + loud.size() + " and " + quiet.size());
        }
    }

    static DemoLoop encode(DemoLook look, double hz) {
        List<MediaPacket> video = new ArrayList<>(DemoLook.LOOP_FRAMES);
        AvcConfig avc;
        EncoderSettings settings = new EncoderSettings(VideoCodec.LIBX264, "ultrafast", DemoLook.FPS, DemoLook.FPS, 1);
        try (H264Encoder enc = new H264Encoder(DemoLook.WIDTH, DemoLook.HEIGHT, VIDEO_BITRATE, settings);
             Picture p = Picture.allocate(DemoLook.WIDTH, DemoLook.HEIGHT)) {
            for (int n = 0; n < DemoLook.LOOP_FRAMES; n++) {
                look.draw(p, n);
                video.addAll(enc.encode(p, n * FRAME_TICKS, false));
            }
            video.addAll(enc.flush());
            avc = enc.config();
        }
        video.sort(Comparator.comparingLong(MediaPacket::dts));
        AacConfig[] aac = new AacConfig[1];
        List<MediaPacket> loud = encodeTone(hz, DemoTone.LOUD, aac);
        List<MediaPacket> quiet = encodeTone(hz, DemoTone.QUIET, aac);
        return new DemoLoop(avc, video, aac[0], loud, quiet);
    }

    /** Encodes two loops of the tone and keeps the packets of the second one. */
    private static List<MediaPacket> encodeTone(double hz, double amplitude, AacConfig[] config) {
        List<MediaPacket> all = new ArrayList<>(2 * DemoTone.LOOP_FRAMES + 2);
        try (AacEncoder enc = new AacEncoder(AUDIO_BITRATE)) {
            for (long start = 0; start < 2L * DemoTone.LOOP_SAMPLES; start += DemoTone.FRAME) {
                float[] pcm = DemoTone.samples(hz, amplitude, start, DemoTone.FRAME);
                all.addAll(enc.encode(pcm, 0, DemoTone.FRAME, start));
            }
            all.addAll(enc.flush());
            config[0] = enc.config();
        }
        all.sort(Comparator.comparingLong(MediaPacket::dts));
        if (all.size() < 2 * DemoTone.LOOP_FRAMES) {
            throw new IllegalStateException("aac encoder returned " + all.size() + " packets for "
                    + 2 * DemoTone.LOOP_FRAMES + " frames");
        }
        return all.subList(DemoTone.LOOP_FRAMES, 2 * DemoTone.LOOP_FRAMES);
    }
}
