package dev.amphi.server;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.Collections;

/** The host name printed in the publish and watch URLs. */
final class PublicHost {

    private PublicHost() {
    }

    /**
     * The bind address itself, unless it is a wildcard ({@code 0.0.0.0}, {@code ::}); then this
     * machine's first non-loopback IPv4 address, else its host name, else {@code 127.0.0.1}.
     * IPv6 literals come in brackets.
     */
    static String forBind(String bind) {
        String host = bind;
        if (isWildcard(bind)) {
            host = firstSiteAddress();
        }
        return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    }

    private static boolean isWildcard(String bind) {
        return bind.equals("0.0.0.0") || bind.equals("::") || bind.equals("[::]") || bind.equals("0:0:0:0:0:0:0:0");
    }

    private static String firstSiteAddress() {
        try {
            for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (!nif.isUp() || nif.isLoopback() || nif.isVirtual()) {
                    continue;
                }
                for (InetAddress a : Collections.list(nif.getInetAddresses())) {
                    if (a instanceof Inet4Address && !a.isLoopbackAddress() && !a.isLinkLocalAddress()) {
                        return a.getHostAddress();
                    }
                }
            }
        } catch (SocketException e) {
            // fall through to the host name
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "127.0.0.1";
        }
    }
}
