package dev.amphi.ingest.rtmp.message;

/** RTMP message type ids (RTMP spec 5.4 and 7.1) and their names for logs. */
public final class MessageType {
    public static final int SET_CHUNK_SIZE = 1;
    public static final int ABORT = 2;
    public static final int ACKNOWLEDGEMENT = 3;
    public static final int USER_CONTROL = 4;
    public static final int WINDOW_ACK_SIZE = 5;
    public static final int SET_PEER_BANDWIDTH = 6;
    public static final int AUDIO = 8;
    public static final int VIDEO = 9;
    public static final int DATA_AMF3 = 15;
    public static final int SHARED_OBJECT_AMF3 = 16;
    public static final int COMMAND_AMF3 = 17;
    public static final int DATA_AMF0 = 18;
    public static final int SHARED_OBJECT_AMF0 = 19;
    public static final int COMMAND_AMF0 = 20;
    public static final int AGGREGATE = 22;

    private MessageType() {
    }

    /** Whether the RTMP specification defines {@code typeId}. */
    public static boolean isDefined(int typeId) {
        return switch (typeId) {
            case SET_CHUNK_SIZE, ABORT, ACKNOWLEDGEMENT, USER_CONTROL, WINDOW_ACK_SIZE, SET_PEER_BANDWIDTH,
                 AUDIO, VIDEO, DATA_AMF3, SHARED_OBJECT_AMF3, COMMAND_AMF3, DATA_AMF0, SHARED_OBJECT_AMF0,
                 COMMAND_AMF0, AGGREGATE -> true;
            default -> false;
        };
    }

    public static String name(int typeId) {
        return switch (typeId) {
            case SET_CHUNK_SIZE -> "SetChunkSize";
            case ABORT -> "Abort";
            case ACKNOWLEDGEMENT -> "Acknowledgement";
            case USER_CONTROL -> "UserControl";
            case WINDOW_ACK_SIZE -> "WindowAckSize";
            case SET_PEER_BANDWIDTH -> "SetPeerBandwidth";
            case AUDIO -> "Audio";
            case VIDEO -> "Video";
            case DATA_AMF3 -> "DataAMF3";
            case SHARED_OBJECT_AMF3 -> "SharedObjectAMF3";
            case COMMAND_AMF3 -> "CommandAMF3";
            case DATA_AMF0 -> "DataAMF0";
            case SHARED_OBJECT_AMF0 -> "SharedObjectAMF0";
            case COMMAND_AMF0 -> "CommandAMF0";
            case AGGREGATE -> "Aggregate";
            default -> "type" + typeId;
        };
    }
}
