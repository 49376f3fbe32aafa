package dev.amphi.ingest.rtmp.flv;

import dev.amphi.media.CodecConfig;
import dev.amphi.media.MediaKind;
import java.util.Objects;

/** What one FLV audio or video tag body (one RTMP audio/video message) carries. */
public sealed interface FlvTag {

    /** A decoder configuration (AVC or AAC sequence header). */
    record SequenceHeader(CodecConfig config) implements FlvTag {
        public SequenceHeader {
            Objects.requireNonNull(config, "config");
        }
    }

    /**
     * One coded frame.
     *
     * @param compositionTimeMs pts − dts in ms (signed 24 bits in the tag; 0 for audio)
     * @param data              AVCC NAL units or one raw AAC frame
     */
    record Frame(MediaKind kind, boolean keyframe, int compositionTimeMs, byte[] data) implements FlvTag {
        public Frame {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(data, "data");
        }
    }

    /** Something to ignore (end of sequence, video info frame, empty tag), with what it was. */
    record Skip(String what) implements FlvTag {
    }
}
