package org.hospital.incidents.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A real TCP server that behaves like {@code nc -lk PORT < file}: it waits for the streaming job's receiver to
 * connect, writes the lines, and keeps the connection open until closed.
 */
public final class LineServer implements AutoCloseable {

    private final ServerSocket server;
    private final CountDownLatch sent = new CountDownLatch(1);
    private final Thread thread;
    private volatile Socket client;

    /**
     * Starts listening on a free loopback port and serves {@code lines} to the first client.
     *
     * @param lines lines to send, without terminators
     * @throws IOException when the port cannot be opened
     */
    public LineServer(List<String> lines) throws IOException {
        this(lines, 0);
    }

    /**
     * Starts listening on a given loopback port (a recovered job reconnects to the port in its checkpoint).
     *
     * @param lines lines to send, without terminators
     * @param port port, 0 for any free one
     * @throws IOException when the port cannot be opened
     */
    public LineServer(List<String> lines, int port) throws IOException {
        this(text(lines), port);
    }

    private static byte[] text(List<String> lines) {
        StringBuilder text = new StringBuilder();
        for (String line : lines) {
            text.append(line).append('\n');
        }
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Starts listening and serves raw bytes (e.g. lines that are not valid UTF-8) to the first client.
     *
     * @param payload bytes to send, line terminators included
     * @param port port, 0 for any free one
     * @throws IOException when the port cannot be opened
     */
    public LineServer(byte[] payload, int port) throws IOException {
        server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), port), 50);
        thread = new Thread(() -> {
            try {
                client = server.accept();
                OutputStream out = client.getOutputStream();
                out.write(payload);
                out.flush();
                sent.countDown();
            } catch (IOException e) {
                // closed before a client came: nothing to send
            }
        }, "line-server");
        thread.setDaemon(true);
        thread.start();
    }

    /** @return the port to give to {@code --socket 127.0.0.1:PORT} */
    public int port() {
        return server.getLocalPort();
    }

    /**
     * @param seconds how long to wait
     * @return true once every line was written to a connected receiver
     * @throws InterruptedException when interrupted
     */
    public boolean awaitSent(long seconds) throws InterruptedException {
        return sent.await(seconds, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws IOException {
        server.close();
        if (client != null) {
            client.close();
        }
    }
}
