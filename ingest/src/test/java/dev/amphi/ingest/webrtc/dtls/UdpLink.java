package dev.amphi.ingest.webrtc.dtls;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;

/** A {@link DatagramLink} on a UDP socket on 127.0.0.1 that answers whoever sent to it first. */
final class UdpLink implements DatagramLink, AutoCloseable {

    private final DatagramSocket socket;
    private volatile SocketAddress peer;

    UdpLink() throws IOException {
        socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    }

    int port() {
        return socket.getLocalPort();
    }

    @Override
    public void send(byte[] buffer, int offset, int length) throws IOException {
        if (peer != null) {
            socket.send(new DatagramPacket(buffer, offset, length, peer));
        }
    }

    @Override
    public int receive(byte[] buffer, int offset, int length, int timeoutMillis) throws IOException {
        socket.setSoTimeout(Math.max(1, timeoutMillis));
        DatagramPacket packet = new DatagramPacket(buffer, offset, length);
        try {
            socket.receive(packet);
        } catch (SocketTimeoutException e) {
            return -1;
        }
        if (peer == null) {
            peer = packet.getSocketAddress();
        }
        return packet.getLength();
    }

    @Override
    public void close() {
        socket.close();
    }
}
