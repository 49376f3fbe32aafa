package dev.amphi.transcode.audio;

import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_AAC;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_OPUS;
import static org.bytedeco.ffmpeg.global.avcodec.AV_INPUT_BUFFER_PADDING_SIZE;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_decoder;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_decoder_by_name;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_open2;
import static org.bytedeco.ffmpeg.global.avutil.AV_SAMPLE_FMT_FLT;
import static org.bytedeco.ffmpeg.global.avutil.av_channel_layout_default;
import static org.bytedeco.ffmpeg.global.avutil.av_channel_layout_uninit;
import static org.bytedeco.ffmpeg.global.avutil.av_mallocz;

import dev.amphi.media.AacConfig;
import dev.amphi.media.CodecConfig;
import dev.amphi.media.OpusConfig;
import dev.amphi.transcode.ffmpeg.FfmpegException;
import dev.amphi.transcode.ffmpeg.NativeObjects;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.javacpp.BytePointer;

/** Opens the FFmpeg decoder of a speaker's audio configuration: AAC or Opus. */
final class AudioDecoders {

    private AudioDecoders() {
    }

    /**
     * An open decoder for {@code config} (AAC: its AudioSpecificConfig; Opus: its OpusHead), owned
     * by the caller ({@link NativeObjects#free}).
     *
     * @throws FfmpegException       when FFmpeg refuses the configuration
     * @throws IllegalStateException when this FFmpeg build lacks the decoder
     */
    static AVCodecContext open(CodecConfig config) {
        boolean opus = config instanceof OpusConfig;
        if (!opus && !(config instanceof AacConfig)) {
            throw new IllegalArgumentException("not an AAC or Opus configuration: " + config);
        }
        AVCodec codec = opus ? opusDecoder() : avcodec_find_decoder(AV_CODEC_ID_AAC);
        if (codec == null) {
            throw new IllegalStateException("this FFmpeg build has no " + (opus ? "Opus" : "AAC") + " decoder");
        }
        AVCodecContext ctx = NativeObjects.codecContext(codec, "the " + (opus ? "Opus" : "AAC") + " decoder");
        try {
            byte[] record = config.record();
            BytePointer extradata = new BytePointer(av_mallocz(record.length + AV_INPUT_BUFFER_PADDING_SIZE));
            extradata.put(record, 0, record.length);
            ctx.extradata(extradata).extradata_size(record.length); // freed with the context
            if (config instanceof OpusConfig o) {
                ctx.sample_rate(OpusConfig.SAMPLE_RATE);
                av_channel_layout_uninit(ctx.ch_layout());
                av_channel_layout_default(ctx.ch_layout(), o.channels());
                ctx.request_sample_fmt(AV_SAMPLE_FMT_FLT); // for libopus: float rather than 16-bit out
            } else {
                ctx.sample_rate(((AacConfig) config).sampleRate());
            }
            FfmpegException.checkDecoder(avcodec_open2(ctx, codec, (AVDictionary) null),
                    "avcodec_open2(" + codec.name().getString() + ") for " + config);
            return ctx;
        } catch (RuntimeException | Error e) {
            NativeObjects.free(ctx);
            throw e;
        }
    }

    /**
     * FFmpeg's own Opus decoder, else whichever the build has: the bundled libopus decodes a 20 ms
     * packet in 3 to 5 times the time (about 90-170 µs against 20-30 µs on the benchmark machine).
     */
    private static AVCodec opusDecoder() {
        AVCodec codec = avcodec_find_decoder_by_name("opus");
        return codec != null ? codec : avcodec_find_decoder(AV_CODEC_ID_OPUS);
    }
}
