package dev.amphi.ingest.rtmp.flv;

import dev.amphi.media.AacConfig;
import dev.amphi.media.AvcConfig;
import dev.amphi.media.CodecConfig;
import dev.amphi.media.MediaKind;
import dev.amphi.media.MediaPacket;
import io.netty.buffer.ByteBuf;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The media state of one publish session: RTMP audio/video message bodies → {@link MediaPacket}s.
 * Keeps the current sequence headers (a new one mid-stream replaces the old), maps timestamps
 * with a {@link Timeline}, converts composition time offsets to 90 kHz, and drops frames that
 * arrive before their track's sequence header (counted; logged once per track).
 *
 * <p>Not thread-safe: one per publish session, on its event loop.
 */
public final class FlvDemuxer {

    private static final Logger LOG = LoggerFactory.getLogger(FlvDemuxer.class);

    private final String name;
    private final Timeline timeline = new Timeline();
    private AvcConfig video;
    private AacConfig audio;
    private long droppedBeforeConfig;

    /** @param name the stream's name, for logs */
    public FlvDemuxer(String name) {
        this.name = name;
    }

    /**
     * @param typeId    8 (audio) or 9 (video)
     * @param timestamp the message's RTMP timestamp (ms, 32-bit)
     * @param body      the message payload, read but not released
     * @return the packet, or null when the message carries none (sequence header, skip, dropped)
     * @throws UnsupportedCodecException for a codec other than H.264/AAC
     */
    public MediaPacket demux(int typeId, long timestamp, ByteBuf body) {
        boolean isVideo = typeId == 9;
        FlvTag tag = isVideo ? FlvTagParser.parseVideo(body) : FlvTagParser.parseAudio(body);
        if (tag instanceof FlvTag.SequenceHeader h) {
            CodecConfig c = h.config();
            if (c instanceof AvcConfig a) {
                if (!a.equals(video)) {
                    LOG.debug("{}: video {}", name, a);
                }
                video = a;
            } else if (c instanceof AacConfig a) {
                if (!a.equals(audio)) {
                    LOG.debug("{}: audio {}", name, a);
                }
                audio = a;
            }
            return null;
        }
        if (tag instanceof FlvTag.Skip) {
            return null;
        }
        FlvTag.Frame f = (FlvTag.Frame) tag;
        CodecConfig config = f.kind() == MediaKind.VIDEO ? video : audio;
        if (config == null) {
            if (droppedBeforeConfig++ == 0) {
                LOG.info("{}: dropping {} frames that arrive before their sequence header", name, f.kind());
            }
            return null;
        }
        long dts = timeline.dts(f.kind(), timestamp);
        return new MediaPacket(f.kind(), config, dts, (int) MediaPacket.millisToTicks(f.compositionTimeMs()),
                f.keyframe(), f.data());
    }

    /** Frames dropped because their sequence header had not arrived yet. */
    public long droppedBeforeConfig() {
        return droppedBeforeConfig;
    }

    public AvcConfig videoConfig() {
        return video;
    }

    public AacConfig audioConfig() {
        return audio;
    }
}
