package io.octvex.edge.http;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * Collects a response body up to {@code limit} bytes. It reads at most {@code limit + 1} bytes: the extra one
 * proves the body was longer, then the subscription is cancelled (the connection is not drained).
 */
final class LimitedBody implements HttpResponse.BodySubscriber<LimitedBody.Body> {
    record Body(byte[] bytes, boolean truncated) {}

    private final int limit;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final CompletableFuture<Body> result = new CompletableFuture<>();
    private Flow.Subscription subscription;

    LimitedBody(int limit) {
        this.limit = limit;
    }

    @Override
    public CompletionStage<Body> getBody() {
        return result;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        subscription = s;
        s.request(1);
    }

    @Override
    public void onNext(List<ByteBuffer> items) {
        if (result.isDone()) {
            return;
        }
        for (ByteBuffer buffer : items) {
            int room = limit - out.size();
            int n = buffer.remaining();
            if (n > room) {
                byte[] part = new byte[room];
                buffer.get(part);
                out.writeBytes(part);
                subscription.cancel();
                result.complete(new Body(out.toByteArray(), true));
                return;
            }
            byte[] all = new byte[n];
            buffer.get(all);
            out.writeBytes(all);
        }
        subscription.request(1);
    }

    @Override
    public void onError(Throwable throwable) {
        result.completeExceptionally(throwable);
    }

    @Override
    public void onComplete() {
        result.complete(new Body(out.toByteArray(), false));
    }
}
