package dev.amphi.transcode.encode;

import java.util.Set;

/** The H.264 encoders Amphi can drive, by their FFmpeg encoder name. */
public enum VideoCodec {
    /** x264: the default; CPU, best quality per bit, presets {@code ultrafast}..{@code veryslow}. */
    LIBX264("libx264", Set.of("ultrafast", "superfast", "veryfast", "faster", "fast", "medium", "slow", "slower",
            "veryslow", "placebo")),
    /** Cisco's OpenH264: CPU, baseline-ish, no presets (the preset is ignored and must be {@code default}). */
    OPENH264("libopenh264", Set.of("default")),
    /** NVIDIA NVENC: needs an NVIDIA GPU and driver at run time; presets {@code p1} (fastest)..{@code p7}. */
    NVENC("h264_nvenc", Set.of("p1", "p2", "p3", "p4", "p5", "p6", "p7", "default", "fast", "medium", "slow",
            "hp", "hq", "ll", "llhq", "llhp"));

    private final String ffmpegName;
    private final Set<String> presets;

    VideoCodec(String ffmpegName, Set<String> presets) {
        this.ffmpegName = ffmpegName;
        this.presets = presets;
    }

    /** The FFmpeg encoder name, e.g. {@code libx264}. */
    public String ffmpegName() {
        return ffmpegName;
    }

    /** The presets this encoder accepts. */
    public Set<String> presets() {
        return presets;
    }

    /** The codec by its enum name or FFmpeg name, case-insensitive ({@code x264} is accepted too). */
    public static VideoCodec parse(String name) {
        for (VideoCodec c : values()) {
            if (c.name().equalsIgnoreCase(name) || c.ffmpegName.equalsIgnoreCase(name)) {
                return c;
            }
        }
        if ("x264".equalsIgnoreCase(name)) {
            return LIBX264;
        }
        throw new IllegalArgumentException("unknown video codec '" + name + "', expected one of libx264, libopenh264, h264_nvenc");
    }
}
