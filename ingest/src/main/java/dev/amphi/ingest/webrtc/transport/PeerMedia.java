package dev.amphi.ingest.webrtc.transport;

import dev.amphi.ingest.webrtc.dtls.SrtpSession;
import dev.amphi.ingest.webrtc.rtp.Bye;
import dev.amphi.ingest.webrtc.rtp.GenericNack;
import dev.amphi.ingest.webrtc.rtp.PictureLossIndication;
import dev.amphi.ingest.webrtc.rtp.ReceiverReport;
import dev.amphi.ingest.webrtc.rtp.Remb;
import dev.amphi.ingest.webrtc.rtp.ReportBlock;
import dev.amphi.ingest.webrtc.rtp.Rtcp;
import dev.amphi.ingest.webrtc.rtp.RtcpPacket;
import dev.amphi.ingest.webrtc.rtp.RtpView;
import dev.amphi.ingest.webrtc.rtp.SenderReport;
import dev.amphi.ingest.webrtc.rtp.SourceDescription;
import dev.amphi.ingest.webrtc.rtp.TransportCcFeedback;
import dev.amphi.ingest.webrtc.sdp.NegotiatedMedia;
import dev.amphi.media.MediaKind;
import dev.amphi.media.MediaPacket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The RTP and RTCP of one connected peer, on the event loop: SRTP unprotect, routing of packets to
 * their m-line (signalled SSRC, RTX SSRC, the mid header extension, the payload type), RTX
 * unwrapping, transport-cc feedback every 100 ms when negotiated, the received RTCP (reports for RTT, NACKs answered from the send cache, PLI/FIR to
 * the listener, BYE), and once a second an SR or RR with report blocks, SDES and REMB.
 */
final class PeerMedia implements InboundStream.Feedback {

    private static final Logger LOG = LoggerFactory.getLogger(PeerMedia.class);
    static final String AUDIO_LEVEL_URI = "urn:ietf:params:rtp-hdrext:ssrc-audio-level";
    static final String TRANSPORT_CC_URI = "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01";
    static final long TRANSPORT_CC_INTERVAL_NANOS = 100_000_000L;
    static final int MAX_ARRIVALS = 512;
    static final long REPORT_INTERVAL_NANOS = 1_000_000_000L;
    private static final long NTP_EPOCH_OFFSET_SECONDS = 2_208_988_800L;

    private final Peer peer;
    private final int localSsrc;
    private final StreamTable table;
    private final Map<Integer, InboundStream> streams;
    private long lastReport;
    /** The {@link Peer#videoShown} the streams and the REMB were last set for; event loop only. */
    private boolean videoShown = true;
    private final List<TransportCcFeedback.Arrival> arrivals = new ArrayList<>();
    private int arrivalsSsrc;
    private long lastTransportCc;
    private int transportCcCount;
    // written on the event loop, read by stats() anywhere
    private volatile long packetsIn;
    private volatile long bytesIn;
    private volatile long lost;
    /** The streams' NACK requests skipped by the budget, summed by the timer (the streams belong to the event loop). */
    private volatile long nacksSkipped;
    private volatile long nacksSent;
    private volatile long nacksReceived;
    private volatile long retransmitsReceived;
    private volatile long plisSent;
    private volatile long keyframeRequests;
    private volatile long rttNanos = -1;
    private volatile long dropped;

    PeerMedia(Peer peer) {
        this.peer = peer;
        this.localSsrc = (int) peer.local.audioSsrc();
        this.table = new StreamTable(peer.session, this);
        this.streams = table.streams;
        this.lastReport = System.nanoTime();
    }

    PeerStats stats() {
        long out = (peer.video != null ? peer.video.retransmits() : 0) + (peer.audio != null ? peer.audio.retransmits() : 0);
        long rtt = rttNanos;
        return new PeerStats(packetsIn, bytesIn, peer.packetsOut.get(), peer.bytesOut.get(), lost, nacksSent,
                nacksReceived, out, retransmitsReceived, plisSent, keyframeRequests,
                rtt < 0 ? -1 : rtt / 1_000_000, dropped, nacksSkipped);
    }

    void drop() {
        dropped++;
    }

    // ---- RTP in ----

    void rtp(byte[] datagram, long now) {
        SrtpSession srtp = peer.srtp();
        byte[] plain = srtp == null ? null : srtp.unprotectRtp(datagram, 0, datagram.length);
        if (plain == null) {
            dropped++;
            return;
        }
        RtpView p = RtpView.parse(plain); // read in place: one copy of the payload is all this packet costs
        packetsIn++;
        bytesIn += datagram.length;
        int ssrc = p.ssrc();
        InboundStream s = streams.get(ssrc);
        if (s != null) {
            transportCc(s, p, now);
            deliver(s, p, p.sequenceNumber(), p.payload(0), false, now);
            return;
        }
        InboundStream original = table.rtx.get(ssrc);
        if (original == null) {
            if (!table.learn(p.toPacket())) {
                dropped++;
                return;
            }
            s = streams.get(ssrc);
            if (s != null) {
                transportCc(s, p, now);
                deliver(s, p, p.sequenceNumber(), p.payload(0), false, now);
                return;
            }
            original = table.rtx.get(ssrc);
        }
        transportCc(original, p, now);
        if (p.payloadLength() < 2) {
            return; // RTX padding (bandwidth probing)
        }
        int osn = (p.payloadByte(0) << 8) | p.payloadByte(1);
        deliver(original, p, osn, p.payload(2), true, now);
    }

    private void deliver(InboundStream s, RtpView p, int seq, byte[] payload, boolean retransmission, long now) {
        int level = s.audioLevelId >= 0 ? p.audioLevel(s.audioLevelId) : -1;
        s.receive(seq, p.timestamp(), p.marker(), payload, level, retransmission, now);
        if (retransmission) {
            retransmitsReceived = sumRetransmitsReceived();
        }
    }

    private long sumRetransmitsReceived() {
        long n = 0;
        for (InboundStream s : streams.values()) {
            n += s.retransmitsReceived;
        }
        return n;
    }

    /** Notes the packet's transport-wide sequence number and arrival, when transport-cc is negotiated. */
    private void transportCc(InboundStream s, RtpView p, long now) {
        if (s.transportCcId < 0) {
            return;
        }
        int seq = p.transportSequenceNumber(s.transportCcId);
        if (seq >= 0) {
            arrivals.add(new TransportCcFeedback.Arrival(seq, now / 1000));
            arrivalsSsrc = s.ssrc;
            if (arrivals.size() >= MAX_ARRIVALS) {
                sendTransportCc(now);
            }
        }
    }

    private void sendTransportCc(long now) {
        lastTransportCc = now;
        if (arrivals.isEmpty()) {
            return;
        }
        try {
            TransportCcFeedback fb = TransportCcFeedback.build(localSsrc, arrivalsSsrc, transportCcCount, arrivals);
            transportCcCount = (transportCcCount + 1) & 0xff;
            peer.sendRtcp(Rtcp.write(fb));
        } catch (IllegalArgumentException e) {
            LOG.debug("peer {}: transport-cc feedback not sent: {}", peer.id(), e.getMessage());
        }
        arrivals.clear();
    }

    // ---- RTCP in ----

    void rtcp(byte[] datagram, long now) {
        SrtpSession srtp = peer.srtp();
        byte[] plain = srtp == null ? null : srtp.unprotectRtcp(datagram, 0, datagram.length);
        if (plain == null) {
            dropped++;
            return;
        }
        List<RtcpPacket> packets = Rtcp.parse(plain);
        boolean keyframe = containsFir(plain);
        for (RtcpPacket x : packets) {
            if (x instanceof SenderReport sr) {
                InboundStream s = streams.get(sr.ssrc());
                if (s != null) {
                    s.stats.senderReport(sr.ntpTimestamp(), now);
                }
                reportBlocks(sr.reports());
            } else if (x instanceof ReceiverReport rr) {
                reportBlocks(rr.reports());
            } else if (x instanceof GenericNack nack) {
                nacksReceived++;
                OutboundStream out = outbound(nack.mediaSsrc());
                if (out != null) {
                    synchronized (peer.ioLock) {
                        if (peer.connected()) {
                            out.retransmit(nack.lost(), peer.ioWire, now);
                        }
                    }
                }
            } else if (x instanceof PictureLossIndication pli) {
                keyframe |= peer.video != null && pli.mediaSsrc() == peer.video.ssrc;
            } else if (x instanceof Bye bye) {
                bye(bye);
            }
        }
        if (keyframe) {
            keyframeRequests++;
            peer.keyframeRequested();
        }
    }

    private OutboundStream outbound(int ssrc) {
        if (peer.video != null && peer.video.ssrc == ssrc) {
            return peer.video;
        }
        return peer.audio != null && peer.audio.ssrc == ssrc ? peer.audio : null;
    }

    private void reportBlocks(List<ReportBlock> blocks) {
        for (ReportBlock b : blocks) {
            if (b.lastSr() != 0 && outbound(b.ssrc()) != null) {
                long compactNow = (ntp(System.currentTimeMillis()) >>> 16) & 0xffffffffL;
                long rtt = (compactNow - b.lastSr() - b.delaySinceLastSr()) & 0xffffffffL;
                if (rtt < 0x8000_0000L) {
                    rttNanos = rtt * 1_000_000_000L / 65536;
                }
            }
        }
    }

    /** Whether the compound (already validated by {@link Rtcp#parse}) holds a FIR (PSFB FMT 4, RFC 5104). */
    private static boolean containsFir(byte[] compound) {
        int at = 0;
        while (at + 4 <= compound.length) {
            int fmt = compound[at] & 0x1f;
            int type = compound[at + 1] & 0xff;
            if (type == RtcpPacket.PSFB && fmt == 4) {
                return true;
            }
            at += (((compound[at + 2] & 0xff) << 8 | (compound[at + 3] & 0xff)) + 1) * 4;
        }
        return false;
    }

    private void bye(Bye bye) {
        boolean had = !streams.isEmpty();
        for (int ssrc : bye.ssrcs()) {
            InboundStream s = streams.remove(ssrc);
            if (s != null) {
                table.rtx.values().removeIf(t -> t == s);
            }
        }
        if (had && streams.isEmpty()) {
            peer.close("the peer said goodbye (RTCP BYE)", false);
        }
    }

    // ---- the timer and feedback out ----

    void tick(long now) {
        boolean shown = peer.videoShown;
        if (shown != videoShown) {
            videoShown = shown;
            for (InboundStream s : streams.values()) {
                if (s.media.kind() == MediaKind.VIDEO) {
                    s.repair(shown, now);
                }
            }
            lastReport = now - REPORT_INTERVAL_NANOS; // the new REMB now, not within a second
        }
        long rtt = rttNanos;
        long lostNow = 0;
        long skippedNow = 0;
        for (InboundStream s : streams.values()) {
            s.tick(now, rtt < 0 ? 100_000_000L : rtt);
            lostNow += Math.max(0, s.stats.lost());
            skippedNow += s.nacksSkipped;
        }
        lost = lostNow;
        nacksSkipped = skippedNow;
        if (now - lastTransportCc >= TRANSPORT_CC_INTERVAL_NANOS) {
            sendTransportCc(now);
        }
        if (now - lastReport >= REPORT_INTERVAL_NANOS) {
            lastReport = now;
            List<RtcpPacket> compound = new ArrayList<>();
            compound.add(report(now));
            int cnameSsrc = peer.video != null && peer.video.hasSent() ? peer.video.ssrc : localSsrc;
            compound.add(new SourceDescription(List.of(SourceDescription.Chunk.cname(cnameSsrc, peer.local.cname()))));
            long cap = videoShown ? peer.rembCapBps : Math.min(peer.rembCapBps, PeerSession.HIDDEN_VIDEO_BPS);
            List<Integer> videoSsrcs = streams.values().stream().filter(s -> s.media.kind() == MediaKind.VIDEO)
                    .map(s -> s.ssrc).toList();
            if (cap > 0 && !videoSsrcs.isEmpty()) {
                compound.add(new Remb(localSsrc, cap, videoSsrcs));
            }
            peer.sendRtcp(Rtcp.write(compound));
        }
    }

    /** An SR per SSRC we send on (the first carrying the report blocks), or an RR when we send nothing. */
    RtcpPacket report(long now) {
        List<ReportBlock> blocks = new ArrayList<>();
        for (InboundStream s : streams.values()) {
            if (blocks.size() < 31) {
                blocks.add(s.reportBlock(now));
            }
        }
        long ntp = ntp(System.currentTimeMillis());
        OutboundStream first = peer.video != null && peer.video.hasSent() ? peer.video
                : peer.audio != null && peer.audio.hasSent() ? peer.audio : null;
        if (first != null) {
            SenderReport sr = first.senderReport(ntp, now);
            return new SenderReport(sr.ssrc(), sr.ntpTimestamp(), sr.rtpTimestamp(), sr.packetCount(),
                    sr.octetCount(), blocks);
        }
        return new ReceiverReport(localSsrc, blocks);
    }

    void requestKeyframe(long now) {
        for (InboundStream s : streams.values()) {
            s.pli(now);
        }
    }

    @Override
    public void nack(InboundStream stream, List<Integer> lostSeqs) {
        nacksSent++;
        peer.sendRtcp(Rtcp.write(new GenericNack(localSsrc, stream.ssrc, lostSeqs)));
    }

    @Override
    public void pli(InboundStream stream) {
        plisSent++;
        peer.sendRtcp(Rtcp.write(new PictureLossIndication(localSsrc, stream.ssrc)));
    }

    @Override
    public void deliver(InboundStream stream, MediaPacket packet, OptionalInt audioLevel) {
        peer.deliver(stream.media.mid(), stream.media.kind(), packet, audioLevel);
    }

    /** 64-bit NTP time of a wall-clock instant in milliseconds. */
    static long ntp(long millis) {
        long seconds = millis / 1000 + NTP_EPOCH_OFFSET_SECONDS;
        long fraction = (millis % 1000) * (1L << 32) / 1000;
        return (seconds << 32) | fraction;
    }
}
