package dev.amphi.ingest.rtmp.command;

import dev.amphi.ingest.PublishAuthorizer;
import dev.amphi.ingest.PublishDecision;
import dev.amphi.ingest.PublishRequest;
import io.netty.channel.ChannelHandlerContext;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One question to the authorizer: its answer, whenever and on whatever thread it comes, is handed
 * to the connection's event loop; an authorizer that throws instead of answering counts as a
 * failed answer.
 */
final class AuthorizerCall {

    private static final Logger LOG = LoggerFactory.getLogger(AuthorizerCall.class);

    private AuthorizerCall() {
    }

    /**
     * Asks {@code authorizer} about {@code request}; {@code answer} gets the decision or the failure
     * (one of them non-null, or both null when the authorizer completed with null) on {@code ctx}'s
     * event loop, at once if the decision is already there.
     */
    static void ask(ChannelHandlerContext ctx, PublishAuthorizer authorizer, PublishRequest request,
                    BiConsumer<PublishDecision, Throwable> answer) {
        CompletionStage<PublishDecision> stage;
        try {
            stage = authorizer.authorize(request);
            if (stage == null) {
                throw new IllegalStateException("the authorizer returned no decision");
            }
        } catch (RuntimeException e) {
            stage = CompletableFuture.failedFuture(e);
        }
        stage.whenComplete((decision, failure) -> {
            if (ctx.executor().inEventLoop()) {
                answer.accept(decision, failure);
                return;
            }
            try {
                ctx.executor().execute(() -> answer.accept(decision, failure));
            } catch (RejectedExecutionException e) { // the server is shutting down
                release(decision);
            }
        });
    }

    /** An accept that will never be used: its sink ends at once, so the authorizer can release what it granted. */
    static void release(PublishDecision decision) {
        if (decision instanceof PublishDecision.Accept a) {
            try {
                a.sink().onEnd();
            } catch (RuntimeException e) {
                LOG.warn("releasing the unused sink of {} failed: {}", a.streamName(), e.toString());
            }
        }
    }
}
