package dev.amphi.ingest.rtmp.command;

import java.util.Objects;

/**
 * User event fired down the pipeline by {@link CommandHandler} when a connection missed its
 * deadline (it did not start publishing in time after its handshake, or stopped sending audio and
 * video while publishing); the last handler closes the connection.
 *
 * @param reason a short description for the log and the listener, e.g. "no audio or video for 30000 ms"
 */
public record DeadlineExpired(String reason) {
    public DeadlineExpired {
        Objects.requireNonNull(reason, "reason");
    }
}
