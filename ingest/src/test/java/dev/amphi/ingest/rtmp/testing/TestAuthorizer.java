package dev.amphi.ingest.rtmp.testing;

import dev.amphi.ingest.PublishAuthorizer;
import dev.amphi.ingest.PublishDecision;
import dev.amphi.ingest.PublishRequest;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Accepts known keys into one {@link CapturingSink} per stream name (unknown keys are refused as
 * wrong credentials), records every call. A key can be {@link #hold held}: its decision is made at
 * once but handed over only when the test completes the hold, from the test's thread, as a slow
 * authorizer would; or {@link #fail failed}: its stage completes exceptionally.
 */
public final class TestAuthorizer implements PublishAuthorizer {

    private final Map<String, String> keyToStream = new ConcurrentHashMap<>();
    private final Map<String, CapturingSink> sinks = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<Void>> holds = new ConcurrentHashMap<>();
    private final Map<String, RuntimeException> failures = new ConcurrentHashMap<>();
    public final List<PublishRequest> requests = new CopyOnWriteArrayList<>();
    public final List<String> unpublished = new CopyOnWriteArrayList<>();

    public TestAuthorizer key(String key, String streamName) {
        keyToStream.put(key, streamName);
        return this;
    }

    public CapturingSink sink(String streamName) {
        return sinks.computeIfAbsent(streamName, n -> new CapturingSink());
    }

    /** Decisions for {@code key} are handed over when the returned future is completed. */
    public CompletableFuture<Void> hold(String key) {
        return holds.computeIfAbsent(key, k -> new CompletableFuture<>());
    }

    /** Decisions for {@code key} complete exceptionally with {@code failure}. */
    public TestAuthorizer fail(String key, RuntimeException failure) {
        failures.put(key, failure);
        return this;
    }

    @Override
    public CompletionStage<PublishDecision> authorize(PublishRequest request) {
        requests.add(request);
        RuntimeException failure = failures.get(request.streamKey());
        if (failure != null) {
            return CompletableFuture.failedFuture(failure);
        }
        String stream = keyToStream.get(request.streamKey());
        PublishDecision decision = stream == null ? PublishDecision.rejectCredentials("unknown stream key")
                : PublishDecision.accept(stream, sink(stream));
        CompletableFuture<Void> hold = holds.get(request.streamKey());
        return hold == null ? CompletableFuture.completedFuture(decision) : hold.thenApply(ignored -> decision);
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
