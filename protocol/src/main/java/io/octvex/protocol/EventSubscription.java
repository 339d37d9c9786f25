package io.octvex.protocol;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * A live subscription to a workspace's event stream (Server-Sent Events). On any disconnect it reconnects
 * with backoff and resumes with {@code Last-Event-ID}, so the consumer sees every event once, in order.
 */
public final class EventSubscription implements AutoCloseable {
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(15);

    private final HttpClient http;
    private final HttpRequest.Builder request;
    private final URI uri;
    private final Consumer<EventView> onEvent;
    private final Consumer<Throwable> onError;
    private final Runnable onOpen;
    private final AtomicLong lastSeq;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Thread worker;
    private volatile Stream<String> current;

    EventSubscription(HttpClient http, HttpRequest.Builder request, URI uri, long afterSeq,
                      Consumer<EventView> onEvent, Consumer<Throwable> onError, Runnable onOpen) {
        this.http = http;
        this.onOpen = onOpen;
        this.request = request;
        this.uri = uri;
        this.onEvent = onEvent;
        this.onError = onError;
        this.lastSeq = new AtomicLong(afterSeq);
        this.worker = Thread.ofVirtual().name("octvex-events").start(this::loop);
    }

    /** The sequence number of the last event delivered: the cursor to resume from later. */
    public long lastSeq() {
        return lastSeq.get();
    }

    private void loop() {
        Duration backoff = Duration.ofMillis(200);
        while (!closed.get()) {
            try {
                HttpRequest req = request.copy().uri(uri).header("Accept", "text/event-stream")
                        .header("Last-Event-ID", Long.toString(lastSeq.get())).GET().build();
                HttpResponse<Stream<String>> response = http.send(req, HttpResponse.BodyHandlers.ofLines());
                if (response.statusCode() != 200) {
                    response.body().close();
                    OctvexClient.failOn(response.statusCode(), "");
                }
                backoff = Duration.ofMillis(200);
                current = response.body();
                onOpen.run();
                try (Stream<String> lines = response.body()) {
                    readEvents(lines);
                }
            } catch (OctvexApiException e) {
                if (e.status() < 500) { // a refusal (auth, access) will not heal by retrying
                    onError.accept(e);
                    return;
                }
                onError.accept(e);
            } catch (IOException | UncheckedIOException e) {
                if (!closed.get()) {
                    onError.accept(e);
                }
            } catch (InterruptedException e) {
                return;
            }
            if (!closed.get()) {
                sleep(backoff);
                backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
            }
        }
    }

    private void readEvents(Stream<String> lines) {
        StringBuilder data = new StringBuilder();
        String[] event = {null};
        lines.takeWhile(l -> !closed.get()).forEach(line -> {
            if (line.isEmpty()) {
                if (data.length() > 0 && (event[0] == null || event[0].equals("event"))) {
                    EventView view = Json.read(data.toString(), EventView.class);
                    if (view.seq() > lastSeq.get()) {
                        onEvent.accept(view);
                        lastSeq.set(view.seq());
                    }
                }
                data.setLength(0);
                event[0] = null;
            } else if (line.startsWith("data:")) {
                if (data.length() > 0) {
                    data.append('\n');
                }
                data.append(line.substring(5).stripLeading());
            } else if (line.startsWith("event:")) {
                event[0] = line.substring(6).strip();
            }
        });
    }

    private void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            Stream<String> stream = current;
            if (stream != null) {
                stream.close();
            }
            worker.interrupt();
        }
    }
}
