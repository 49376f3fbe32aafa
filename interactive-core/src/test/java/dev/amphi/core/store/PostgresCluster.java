package dev.amphi.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A real PostgreSQL server of the test's own, from Debian's {@code postgresql} package (binaries
 * under {@code /usr/lib/postgresql/VERSION/bin}): {@code initdb} in a temporary directory, password
 * authentication (SCRAM) for the user {@code amphi}, {@code pg_ctl start} on a free 127.0.0.1 port
 * with its socket in that directory, stopped and deleted by {@link #close}. PostgreSQL refuses to run
 * as root, so as root the directory is given to {@code nobody} and the binaries run as that user.
 * Missing PostgreSQL fails the test, with how to install it.
 */
public final class PostgresCluster implements AutoCloseable {

    static final String USER = "amphi";
    static final String PASSWORD = "s3cret-test-password";

    private final Path bin;
    private final Path dir;
    private final boolean root;
    private final int port;
    private final AtomicInteger databases = new AtomicInteger();

    private PostgresCluster(Path bin, Path dir, boolean root, int port) {
        this.bin = bin;
        this.dir = dir;
        this.root = root;
        this.port = port;
    }

    /** The newest PostgreSQL that Debian's packages installed, if any. */
    static Optional<Path> binaries() throws IOException {
        Path base = Path.of("/usr/lib/postgresql");
        if (!Files.isDirectory(base)) {
            return Optional.empty();
        }
        try (Stream<Path> versions = Files.list(base)) {
            return versions.map(v -> v.resolve("bin"))
                    .filter(b -> Files.isExecutable(b.resolve("initdb")) && Files.isExecutable(b.resolve("pg_ctl")))
                    .max(Comparator.comparingInt(b -> version(b.getParent().getFileName().toString())));
        }
    }

    private static int version(String name) {
        try {
            return Integer.parseInt(name);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    public static PostgresCluster start() throws Exception {
        Optional<Path> bin = binaries();
        assertThat(bin)
                .as("the PostgreSQL tests need Debian's postgresql package (initdb and pg_ctl under /usr/lib/postgresql/*/bin); "
                        + "bin/test installs it, or run: apt-get install -y postgresql")
                .isPresent();
        boolean root = "root".equals(System.getProperty("user.name"));
        Path dir = Files.createTempDirectory("amphi-pg-");
        if (root) { // initdb and postgres refuse root: the cluster belongs to nobody
            UserPrincipalLookupService users = dir.getFileSystem().getUserPrincipalLookupService();
            PosixFileAttributeView view = Files.getFileAttributeView(dir, PosixFileAttributeView.class);
            view.setOwner(users.lookupPrincipalByName("nobody"));
            GroupPrincipal group = users.lookupPrincipalByGroupName("nogroup");
            view.setGroup(group);
        }
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        PostgresCluster c = new PostgresCluster(bin.get(), dir, root, port);
        try {
            c.run("sh", "-c", "umask 077 && printf '%s\\n' '" + PASSWORD + "' > " + dir.resolve("pw"));
            c.run(bin.get().resolve("initdb").toString(), "-D", dir.resolve("data").toString(), "-U", USER,
                    "--pwfile=" + dir.resolve("pw"), "--auth=scram-sha-256", "--encoding=UTF8", "--locale=C", "--no-sync");
            c.run(bin.get().resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-l", dir.resolve("log").toString(),
                    "-w", "-t", "60", "-o", "-p " + port + " -c listen_addresses=127.0.0.1 -k " + dir, "start");
        } catch (Exception | AssertionError e) {
            String log = Files.exists(dir.resolve("log")) ? Files.readString(dir.resolve("log")) : "";
            c.close();
            throw new IllegalStateException("PostgreSQL did not start: " + e.getMessage() + "\n" + log, e);
        }
        return c;
    }

    /** A URL with the credentials in its query (the way {@code --database-url} carries them). */
    public String url(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database + "?user=" + USER + "&password=" + PASSWORD;
    }

    int port() {
        return port;
    }

    /** A new, empty database of the cluster; its JDBC URL. */
    public String newDatabase() throws Exception {
        String name = "amphi_test_" + databases.incrementAndGet();
        try (Connection c = DriverManager.getConnection(url("postgres"));
             Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        }
        return url(name);
    }

    private void run(String... command) throws Exception {
        List<String> cmd = new ArrayList<>();
        if (root) {
            cmd.addAll(List.of("setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", "--"));
        }
        cmd.addAll(List.of(command));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException(String.join(" ", command) + " did not finish within 120 s");
        }
        if (p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " exited with " + p.exitValue() + ": "
                    + new String(out, StandardCharsets.UTF_8));
        }
    }

    /** Stops the server at once (no checkpoint: it is thrown away) and deletes its directory. */
    @Override
    public void close() throws IOException {
        try {
            if (Files.exists(dir.resolve("data/postmaster.pid"))) {
                run(bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-m", "immediate", "-w", "stop");
            }
        } catch (Exception e) {
            throw new IOException("cannot stop the test's PostgreSQL: " + e.getMessage(), e);
        } finally {
            try (Stream<Path> all = Files.walk(dir)) {
                for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }
}
