package io.isohost.bench.lb;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

import java.util.concurrent.Semaphore;

/**
 * The backend every proxy in the benchmark forwards to. {@code /fast} answers at once (for
 * throughput); {@code /work} has a fixed capacity: {@code slots} workers, each busy
 * {@code serviceMillis} per request, and excess requests wait in line inside the backend, as an
 * overloaded application server's would.
 * Usage: BenchBackend PORT SLOTS SERVICE_MILLIS
 */
public final class BenchBackend {
    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        int slots = Integer.parseInt(args[1]);
        long serviceMillis = Long.parseLong(args[2]);
        Semaphore workers = new Semaphore(slots, true);
        byte[] small = "x".repeat(100).getBytes();
        Server server = new Server(new QueuedThreadPool(2000, 16));
        var connector = new ServerConnector(server, 1, 1);
        connector.setHost("127.0.0.1");
        connector.setPort(port);
        connector.setAcceptQueueSize(4096);
        connector.setIdleTimeout(120_000);
        server.addConnector(connector);
        var pool = (QueuedThreadPool) server.getThreadPool();
        server.setHandler(new Handler.Abstract(org.eclipse.jetty.util.thread.Invocable.InvocationType.NON_BLOCKING) {
            // /fast answers on the selector thread that read it; /work, which sleeps, goes to a pool thread
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                if (Request.getPathInContext(request).startsWith("/work")) {
                    pool.execute(() -> {
                        try {
                            workers.acquire();
                            try {
                                Thread.sleep(serviceMillis);
                            } finally {
                                workers.release();
                            }
                            answer(response, callback);
                        } catch (InterruptedException e) {
                            callback.failed(e);
                        }
                    });
                } else {
                    answer(response, callback);
                }
                return true;
            }

            private void answer(Response response, Callback callback) {
                response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain");
                response.write(true, java.nio.ByteBuffer.wrap(small), callback);
            }
        });
        server.start();
        System.out.println("backend ready on " + port + " (" + slots + " slots × " + serviceMillis + " ms)");
        server.join();
    }
}
