package dev.amphi.transcode.audio;

import dev.amphi.transcode.ffmpeg.FfmpegException;

import static org.bytedeco.ffmpeg.global.avutil.AV_CHANNEL_ORDER_UNSPEC;
import static org.bytedeco.ffmpeg.global.avutil.AV_SAMPLE_FMT_FLT;
import static org.bytedeco.ffmpeg.global.avutil.av_channel_layout_compare;
import static org.bytedeco.ffmpeg.global.avutil.av_channel_layout_copy;
import static org.bytedeco.ffmpeg.global.avutil.av_channel_layout_default;
import static org.bytedeco.ffmpeg.global.avutil.av_channel_layout_uninit;
import static org.bytedeco.ffmpeg.global.swresample.swr_alloc_set_opts2;
import static org.bytedeco.ffmpeg.global.swresample.swr_convert;
import static org.bytedeco.ffmpeg.global.swresample.swr_get_out_samples;
import static org.bytedeco.ffmpeg.global.swresample.swr_init;
import static org.bytedeco.ffmpeg.global.swresample.swr_set_matrix;

import dev.amphi.transcode.ffmpeg.NativeObjects;
import org.bytedeco.ffmpeg.avutil.AVChannelLayout;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.swresample.SwrContext;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;

/**
 * Converts decoded audio frames of any format, rate and channel layout to the program format
 * (48 kHz, stereo, interleaved float) with libswresample. The {@code SwrContext} is created for
 * the first frame and recreated when a frame's format, rate or layout differs. Mono is copied to
 * both channels at full level (libswresample's default would put it 3 dB down), so a mono
 * microphone sounds as loud as a stereo one.
 *
 * <p>Owned by one {@link SpeakerAudio}; used on its decode worker; freed by {@link #close()}.
 */
final class Resampler implements AutoCloseable {

    private SwrContext swr;
    private final AVChannelLayout inLayout = new AVChannelLayout();
    private final AVChannelLayout outLayout = new AVChannelLayout();
    private final AVChannelLayout scratchLayout = new AVChannelLayout();
    private int inFormat = -1;
    private int inRate = -1;
    private FloatPointer nativeOut;
    private int nativeCapacity;
    private final PointerPointer<FloatPointer> outPlanes = new PointerPointer<>(1);
    private float[] output = new float[0];

    Resampler() {
        av_channel_layout_default(outLayout, AudioFormat.CHANNELS);
    }

    /**
     * Converts {@code frame}; the result is in {@link #output()}.
     *
     * @return frames (stereo sample pairs) produced, possibly fewer than the input holds at first
     *         (the filter's delay) and one more or less than the rate ratio later on
     */
    int convert(AVFrame frame) {
        AVChannelLayout layout = frame.ch_layout();
        if (layout.nb_channels() <= 0) {
            throw new IllegalArgumentException("decoded audio frame has no channels");
        }
        if (layout.order() == AV_CHANNEL_ORDER_UNSPEC) {
            av_channel_layout_uninit(scratchLayout);
            av_channel_layout_default(scratchLayout, layout.nb_channels());
            layout = scratchLayout;
        }
        if (swr == null || frame.format() != inFormat || frame.sample_rate() != inRate
                || av_channel_layout_compare(layout, inLayout) != 0) {
            open(layout, frame.format(), frame.sample_rate());
        }
        int inSamples = frame.nb_samples();
        int capacity = FfmpegException.checkDecoder(swr_get_out_samples(swr, inSamples), "swr_get_out_samples") + 32;
        if (capacity > nativeCapacity) {
            if (nativeOut != null) {
                nativeOut.close();
            }
            nativeOut = new FloatPointer((long) capacity * AudioFormat.CHANNELS);
            nativeCapacity = capacity;
            outPlanes.put(0, nativeOut);
        }
        int produced = FfmpegException.checkDecoder(
                swr_convert(swr, outPlanes, nativeCapacity, frame.extended_data(), inSamples), "swr_convert");
        int floats = produced * AudioFormat.CHANNELS;
        if (output.length < floats) {
            output = new float[Math.max(floats, output.length * 2)];
        }
        nativeOut.position(0).get(output, 0, floats);
        return produced;
    }

    /** Interleaved stereo result of the last {@link #convert}; valid until the next call. */
    float[] output() {
        return output;
    }

    /** Drops buffered input (the filter's tail), e.g. after a discontinuity. */
    void reset() {
        if (swr != null) {
            FfmpegException.checkDecoder(swr_init(swr), "swr_init");
        }
    }

    @Override
    public void close() {
        freeSwr();
        if (nativeOut != null) {
            nativeOut.close();
            nativeOut = null;
            nativeCapacity = 0;
        }
        outPlanes.close();
        av_channel_layout_uninit(inLayout);
        av_channel_layout_uninit(outLayout);
        av_channel_layout_uninit(scratchLayout);
        inLayout.close();
        outLayout.close();
        scratchLayout.close();
    }

    private void open(AVChannelLayout layout, int format, int rate) {
        if (rate <= 0) {
            throw new IllegalArgumentException("decoded audio frame has sample rate " + rate);
        }
        freeSwr();
        PointerPointer<SwrContext> holder = new PointerPointer<>(1);
        try {
            holder.put(0, (Pointer) null);
            FfmpegException.checkDecoder(swr_alloc_set_opts2(holder, outLayout, AV_SAMPLE_FMT_FLT, AudioFormat.SAMPLE_RATE,
                    layout, format, rate, 0, null), "swr_alloc_set_opts2");
            swr = NativeObjects.resampler(new SwrContext(holder.get(0)));
        } finally {
            holder.close();
        }
        if (swr == null) {
            throw new OutOfMemoryError("swr_alloc_set_opts2 returned no context");
        }
        if (layout.nb_channels() == 1) {
            FfmpegException.checkDecoder(swr_set_matrix(swr, new double[] {1.0, 1.0}, 1), "swr_set_matrix(mono to stereo)");
        }
        FfmpegException.checkDecoder(swr_init(swr), "swr_init(" + rate + " Hz, " + layout.nb_channels() + " ch -> 48000 Hz stereo)");
        av_channel_layout_uninit(inLayout);
        FfmpegException.checkDecoder(av_channel_layout_copy(inLayout, layout), "av_channel_layout_copy");
        inFormat = format;
        inRate = rate;
    }

    private void freeSwr() {
        NativeObjects.free(swr);
        swr = null;
        inFormat = -1;
        inRate = -1;
    }
}
