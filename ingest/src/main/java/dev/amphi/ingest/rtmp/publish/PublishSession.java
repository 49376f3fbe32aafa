package dev.amphi.ingest.rtmp.publish;

import dev.amphi.ingest.PublishAuthorizer;
import dev.amphi.ingest.PublishRequest;
import dev.amphi.ingest.rtmp.RtmpListener;
import dev.amphi.ingest.rtmp.flv.FlvDemuxer;
import dev.amphi.media.MediaPacket;
import dev.amphi.media.MediaSink;
import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.util.Objects;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One accepted publisher of one stream name: turns its audio/video messages into packets for the
 * sink, and ends exactly once. Lifecycle: created when {@code publish} is accepted, {@link #activate()}d
 * once any previous publisher of the name has ended (packets flow only while active), then
 * {@link #end(String)}ed when the publisher unpublishes, its connection closes, a newcomer takes
 * over ({@link #kick}), or the server closes.
 *
 * <p>Threads: every method except {@link #kick}, {@link #ended()} and the accessors runs on the
 * connection's event loop ({@link #loop()}); the sink is called there only.
 */
public final class PublishSession {

    private static final Logger LOG = LoggerFactory.getLogger(PublishSession.class);

    private final PublishRequest request;
    private final String streamName;
    private final MediaSink sink;
    private final EventExecutor loop;
    private final PublishAuthorizer authorizer;
    private final PublishRegistry registry;
    private final RtmpListener listener;
    private final Consumer<String> disconnect;
    private final Promise<Void> ended;
    private final FlvDemuxer demuxer;
    private boolean active;
    private boolean finished;
    private long packets;
    private Object metadata;

    /**
     * @param disconnect run on {@link #loop()} to tell the client why and close its connection
     */
    public PublishSession(PublishRequest request, String streamName, MediaSink sink, EventExecutor loop,
                          PublishAuthorizer authorizer, PublishRegistry registry, RtmpListener listener,
                          Consumer<String> disconnect) {
        this.request = Objects.requireNonNull(request, "request");
        this.streamName = Objects.requireNonNull(streamName, "streamName");
        this.sink = Objects.requireNonNull(sink, "sink");
        this.loop = Objects.requireNonNull(loop, "loop");
        this.authorizer = Objects.requireNonNull(authorizer, "authorizer");
        this.registry = Objects.requireNonNull(registry, "registry");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.disconnect = Objects.requireNonNull(disconnect, "disconnect");
        this.ended = loop.newPromise();
        this.demuxer = new FlvDemuxer(streamName);
    }

    public String streamName() {
        return streamName;
    }

    public PublishRequest request() {
        return request;
    }

    public EventExecutor loop() {
        return loop;
    }

    /** Completes (on {@link #loop()}) after the sink got its {@code onEnd}. */
    public Future<Void> ended() {
        return ended;
    }

    public boolean active() {
        return active;
    }

    public boolean finished() {
        return finished;
    }

    /** Starts packet delivery; false when the session ended before it could start. */
    public boolean activate() {
        if (finished) {
            return false;
        }
        active = true;
        listener.publishStarted(streamName);
        LOG.info("publish started: {} from {}{}", streamName, request.remote(),
                request.secure() ? " over TLS" : "");
        return true;
    }

    /**
     * Handles one audio (8) or video (9) message body; does nothing unless active.
     *
     * @throws dev.amphi.ingest.rtmp.flv.UnsupportedCodecException for a codec Amphi does not ingest
     */
    public void onMedia(int typeId, long timestamp, ByteBuf body) {
        if (!active || finished) {
            return;
        }
        MediaPacket p = demuxer.demux(typeId, timestamp, body);
        if (p != null) {
            packets++;
            sink.onPacket(p);
        }
    }

    /** Stream metadata from {@code @setDataFrame}/{@code onMetaData}: kept (the latest) and logged at debug. */
    public void onMetaData(Object metadata) {
        this.metadata = metadata;
        LOG.debug("{}: metadata {}", streamName, metadata);
    }

    /** The latest metadata the publisher sent (an AMF0 object or ECMA array), or null. */
    public Object metadata() {
        return metadata;
    }

    /**
     * Ends the session once and releases its name. A session that had started publishing (was
     * {@link #activate()}d) gives its sink {@code onEnd}, then tells the listener and
     * {@code authorizer.unpublished}; one that never started (refused as a duplicate, or its
     * connection died while waiting for a taken-over session to end) gives its sink {@code onEnd}
     * without any packet (the authorizer may release what it granted) and releases its name.
     */
    public void end(String reason) {
        if (finished) {
            return;
        }
        finished = true;
        registry.release(this);
        try {
            if (active) {
                active = false;
                sink.onEnd();
                listener.publishStopped(streamName);
                LOG.info("publish stopped: {} after {} packets ({})", streamName, packets, reason);
                authorizer.unpublished(request, streamName);
            } else {
                sink.onEnd();
            }
        } catch (RuntimeException e) {
            LOG.warn("{}: ending the publish session failed: {}", streamName, e.toString(), e);
        } finally {
            ended.trySuccess(null);
        }
    }

    /** From any thread: disconnects the publisher (on its loop) and ends the session. */
    public Future<Void> kick(String reason) {
        loop.execute(() -> {
            if (!finished) {
                disconnect.accept(reason);
            }
            end(reason);
        });
        return ended;
    }
}
