package dev.amphi.ingest.webrtc.transport;

import dev.amphi.media.MediaKind;
import dev.amphi.media.MediaPacket;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** A {@link PeerListener} that keeps everything it is told. */
final class RecordingListener implements PeerListener {

    record Media(String mid, MediaKind kind, MediaPacket packet, OptionalInt level) {
    }

    final List<Media> media = new CopyOnWriteArrayList<>();
    final List<String> closed = new CopyOnWriteArrayList<>();
    final AtomicInteger connected = new AtomicInteger();
    final AtomicInteger keyframeRequests = new AtomicInteger();

    @Override
    public void connected(PeerSession peer) {
        connected.incrementAndGet();
    }

    @Override
    public void media(PeerSession peer, String mid, MediaKind kind, MediaPacket packet, OptionalInt audioLevel) {
        media.add(new Media(mid, kind, packet, audioLevel));
    }

    @Override
    public void keyframeRequested(PeerSession peer) {
        keyframeRequests.incrementAndGet();
    }

    @Override
    public void closed(PeerSession peer, String reason) {
        closed.add(reason);
    }

    List<MediaPacket> packets(MediaKind kind) {
        return media.stream().filter(m -> m.kind() == kind).map(Media::packet).toList();
    }
}
