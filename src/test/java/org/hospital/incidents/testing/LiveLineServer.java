package org.hospital.incidents.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real TCP server like {@code nc -lk PORT} typed into by hand: it keeps accepting receivers (a restarted
 * driver reconnects), and sends lines to the connected one only when the test says so.
 */
public final class LiveLineServer implements AutoCloseable {

    private final ServerSocket server;
    private final Thread acceptor;
    private volatile Socket client;
    private volatile int connections;

    /**
     * @param port loopback port to listen on (a recovered job reconnects to the port in its checkpoint)
     * @throws IOException when the port cannot be opened
     */
    public LiveLineServer(int port) throws IOException {
        server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 50);
        acceptor = new Thread(() -> {
            while (!server.isClosed()) {
                try {
                    Socket next = server.accept();
                    client = next;
                    connections++;
                } catch (IOException e) {
                    return; // closed
                }
            }
        }, "live-line-server");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /**
     * Waits for the {@code n}-th receiver connection.
     *
     * @param n connections counted since start
     * @param seconds how long to wait
     * @throws InterruptedException when interrupted
     */
    public void awaitConnection(int n, long seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (connections < n) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no receiver connection #" + n + " within " + seconds + " s");
            }
            Thread.sleep(100);
        }
    }

    /**
     * Writes lines to the connected receiver and flushes them.
     *
     * @param lines lines without terminators
     * @throws IOException when no receiver is connected or the write fails
     */
    public void send(List<String> lines) throws IOException {
        Socket current = client;
        if (current == null) {
            throw new IOException("no receiver connected");
        }
        StringBuilder text = new StringBuilder();
        for (String line : lines) {
            text.append(line).append('\n');
        }
        OutputStream out = current.getOutputStream();
        out.write(text.toString().getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    @Override
    public void close() throws IOException {
        server.close();
        Socket current = client;
        if (current != null) {
            current.close();
        }
    }
}
