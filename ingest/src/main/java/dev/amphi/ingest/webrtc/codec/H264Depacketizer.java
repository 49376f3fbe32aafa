package dev.amphi.ingest.webrtc.codec;

import dev.amphi.media.AvcConfig;
import dev.amphi.media.MediaKind;
import dev.amphi.media.MediaPacket;
import dev.amphi.media.NalUnits;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * RFC 6184 packetization mode 1 → AVCC access units. A frame is the run of packets sharing one RTP
 * timestamp; it ends at the marker bit, or when the timestamp changes (a lost or missing marker).
 * A sequence gap or a malformed payload spoils the frame it falls in (and the next, whose start may
 * be what was lost); from then on frames are dropped until an IDR arrives, and the output is told
 * once that a keyframe is needed. SPS and PPS received in band become the {@link AvcConfig} of
 * the following packets (the latest of each wins; one SPS and one PPS are kept); a "frame" of only
 * parameter sets or SEI (no slice) is put in front of the next one. The 90 kHz RTP
 * clock is MediaPacket's own, so dts is the unwrapped timestamp, zero at the first frame sent on;
 * WebRTC H.264 has no B-frames, so the composition offset is zero.
 */
final class H264Depacketizer extends VideoDepacketizer {

    private final List<byte[]> nals = new ArrayList<>();
    private final List<byte[]> carried = new ArrayList<>();
    private ByteArrayOutputStream fragment;
    private byte[] sps;
    private byte[] pps;
    private AvcConfig config;

    H264Depacketizer(DepacketizerOutput output) {
        super(output);
    }

    @Override
    void payload(byte[] b) {
        if (!damaged) {
            parse(b);
        }
    }

    private void parse(byte[] b) {
        if (b.length == 0 || (b[0] & 0x80) != 0) {
            malformed(b.length == 0 ? "empty H.264 payload" : "H.264 NAL header with the forbidden bit set");
            return;
        }
        int type = b[0] & 0x1f;
        if (type >= 1 && type <= 23) {
            nals.add(b.clone());
        } else if (type == RtpH264.STAP_A) {
            parseStapA(b);
        } else if (type == RtpH264.FU_A) {
            parseFuA(b);
        } else if (type >= 25 && type <= 29) {
            malformed("H.264 payload type " + type + " (STAP-B, MTAP or FU-B) is not allowed in packetization mode 1");
        }
        // 0, 30, 31: reserved, ignored as RFC 6184 asks
    }

    private void parseStapA(byte[] b) {
        int pos = 1;
        int count = 0;
        while (pos < b.length) {
            if (pos + 2 > b.length) {
                malformed("STAP-A truncated in a NAL size at byte " + pos);
                return;
            }
            int size = ((b[pos] & 0xff) << 8) | (b[pos + 1] & 0xff);
            pos += 2;
            if (size == 0 || pos + size > b.length) {
                malformed("STAP-A NAL unit of " + size + " bytes with " + (b.length - pos) + " left");
                return;
            }
            nals.add(Arrays.copyOfRange(b, pos, pos + size));
            pos += size;
            count++;
        }
        if (count == 0) {
            malformed("STAP-A without NAL units");
        }
    }

    private void parseFuA(byte[] b) {
        if (b.length < 3) {
            malformed("FU-A of " + b.length + " bytes");
            return;
        }
        boolean start = (b[1] & 0x80) != 0;
        boolean end = (b[1] & 0x40) != 0;
        if (start && end) {
            malformed("FU-A with both start and end bits");
            return;
        }
        if (start) {
            if (fragment != null) {
                malformed("FU-A start before the previous fragmented NAL unit ended");
                return;
            }
            fragment = new ByteArrayOutputStream(b.length * 4);
            fragment.write((b[0] & 0xe0) | (b[1] & 0x1f));
        } else if (fragment == null) {
            malformed("FU-A continuation without its start");
            return;
        }
        fragment.write(b, 2, b.length - 2);
        if (end) {
            nals.add(fragment.toByteArray());
            fragment = null;
        }
    }

    @Override
    void finishFrame(long ts, boolean damaged) {
        boolean ok = !damaged && fragment == null && !nals.isEmpty();
        if (!damaged && fragment != null) {
            needKeyframe("frame ended inside a fragmented NAL unit");
        }
        List<byte[]> frame = List.copyOf(nals);
        nals.clear();
        fragment = null;
        if (!ok) {
            drop();
            return;
        }
        boolean idr = false;
        boolean vcl = false;
        boolean newSets = false;
        for (byte[] nal : frame) {
            int type = NalUnits.type(nal);
            idr |= type == NalUnits.IDR;
            vcl |= type >= 1 && type <= 5;
            if (type == NalUnits.SPS && !Arrays.equals(nal, sps)) {
                sps = nal;
                newSets = true;
            } else if (type == NalUnits.PPS && !Arrays.equals(nal, pps)) {
                pps = nal;
                newSets = true;
            }
        }
        if (newSets && sps != null && pps != null) {
            try {
                config = AvcConfig.of(List.of(sps), List.of(pps));
            } catch (IllegalArgumentException e) {
                sps = null;
                config = null;
                drop();
                needKeyframe("bad SPS: " + e.getMessage());
                return;
            }
        }
        if (!vcl) {
            // parameter sets or SEI sent as a frame of their own: they belong to the next picture
            carried.addAll(frame);
            if (carried.size() > 64) {
                carried.subList(0, carried.size() - 64).clear(); // a sender that never sends a slice
            }
            return;
        }
        if (!carried.isEmpty()) {
            List<byte[]> whole = new ArrayList<>(carried);
            whole.addAll(frame);
            frame = whole;
            carried.clear();
        }
        if (config == null || (waitingForKeyframe() && !idr)) {
            drop();
            needKeyframe(config == null ? "no SPS and PPS received yet" : "waiting for a keyframe");
            return;
        }
        if (idr) {
            keyframeArrived();
        }
        output.onPacket(new MediaPacket(MediaKind.VIDEO, config, clock.unwrap(ts), 0, idr, NalUnits.toAvcc(frame)));
    }
}
