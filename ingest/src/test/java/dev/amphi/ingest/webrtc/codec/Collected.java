package dev.amphi.ingest.webrtc.codec;

import dev.amphi.media.MediaPacket;
import java.util.ArrayList;
import java.util.List;

/** A depacketizer output that keeps what it was given. */
final class Collected implements DepacketizerOutput {

    final List<MediaPacket> packets = new ArrayList<>();
    final List<String> keyframeRequests = new ArrayList<>();

    @Override
    public void onPacket(MediaPacket packet) {
        packets.add(packet);
    }

    @Override
    public void onKeyframeNeeded(String reason) {
        keyframeRequests.add(reason);
    }

    void pushAll(Depacketizer d, List<RtpPayload> payloads) {
        payloads.forEach(d::push);
    }
}
