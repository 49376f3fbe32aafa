package dev.amphi.ingest.webrtc.sdp;

import java.util.List;
import java.util.Objects;

/**
 * A parsed session description (offer), immutable.
 *
 * @param origin      the {@code o=} value as written
 * @param sessionName the {@code s=} value
 * @param groups      every {@code a=group}
 * @param transport   the session-level ICE and DTLS attributes (media sections may override them)
 * @param iceLite     {@code a=ice-lite} at session level
 * @param media       the media sections in order
 * @param attributes  every session-level {@code a=} line, interpreted or not
 */
public record SessionDescription(String origin, String sessionName, List<Group> groups,
        TransportAttributes transport, boolean iceLite, List<MediaDescription> media, List<Attribute> attributes) {

    public SessionDescription {
        Objects.requireNonNull(origin, "origin");
        Objects.requireNonNull(sessionName, "sessionName");
        Objects.requireNonNull(transport, "transport");
        groups = List.copyOf(groups);
        media = List.copyOf(media);
        attributes = List.copyOf(attributes);
    }

    /** The first BUNDLE group, or null when the description has none. */
    public Group bundle() {
        return groups.stream().filter(Group::isBundle).findFirst().orElse(null);
    }

    /** The ICE and DTLS attributes that apply to {@code section}: its own, else the session's. */
    public TransportAttributes transportOf(MediaDescription section) {
        return section.transport().orElse(transport);
    }
}
