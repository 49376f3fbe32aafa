package dev.amphi.ingest.rtmp.testing;

import dev.amphi.ingest.PublishAuthorizer;
import dev.amphi.ingest.PublishDecision;
import dev.amphi.ingest.PublishRequest;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** Accepts known keys into one {@link CapturingSink} per stream name, records every call. */
public final class TestAuthorizer implements PublishAuthorizer {

    private final Map<String, String> keyToStream = new ConcurrentHashMap<>();
    private final Map<String, CapturingSink> sinks = new ConcurrentHashMap<>();
    public final List<PublishRequest> requests = new CopyOnWriteArrayList<>();
    public final List<String> unpublished = new CopyOnWriteArrayList<>();

    public TestAuthorizer key(String key, String streamName) {
        keyToStream.put(key, streamName);
        return this;
    }

    public CapturingSink sink(String streamName) {
        return sinks.computeIfAbsent(streamName, n -> new CapturingSink());
    }

    @Override
    public PublishDecision authorize(PublishRequest request) {
        requests.add(request);
        String stream = keyToStream.get(request.streamKey());
        if (stream == null) {
            return PublishDecision.reject("unknown stream key");
        }
        return PublishDecision.accept(stream, sink(stream));
    }

    @Override
    public synchronized void unpublished(PublishRequest request, String streamName) {
        unpublished.add(streamName);
        notifyAll();
    }

    /** Waits until {@code n} unpublished calls arrived; fails after {@code timeout}. */
    public synchronized List<String> awaitUnpublished(int n, java.time.Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (unpublished.size() < n) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("only " + unpublished.size() + " of " + n + " unpublished calls within " + timeout);
            }
            wait(Math.max(1, left / 1_000_000));
        }
        return List.copyOf(unpublished);
    }
}
