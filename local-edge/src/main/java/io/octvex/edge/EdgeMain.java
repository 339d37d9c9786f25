package io.octvex.edge;

import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * The {@code octvex-edge} process. A placeholder until the edge issue (#3) brings enrolment and the lease
 * loop: it resolves the server it would enrol with, says so, and with {@code --wait} stays up until
 * interrupted so that {@code ./octvex up} can supervise it like the real thing.
 */
public final class EdgeMain {
    private EdgeMain() {}

    public static void main(String[] args) throws InterruptedException {
        EdgeOptions options;
        try {
            ServerLocator locator = ServerLocator.fromEnvironment();
            options = EdgeOptions.parse(List.of(args), locator::defaultServerUrl);
        } catch (IllegalArgumentException e) {
            System.err.println("octvex-edge: " + e.getMessage());
            System.err.println(EdgeOptions.USAGE);
            System.exit(2);
            return;
        } catch (IllegalStateException e) {
            System.err.println("octvex-edge: " + e.getMessage());
            System.exit(1);
            return;
        }
        if (options.help()) {
            System.out.println(EdgeOptions.USAGE);
            return;
        }
        System.out.println("octvex-edge: server " + options.server());
        System.out.println("octvex-edge: enrolment and leasing arrive with the edge issue (#3); "
                + "this edge does not take work yet.");
        if (options.waitUntilInterrupted()) {
            Runtime.getRuntime().addShutdownHook(
                    Thread.ofPlatform().unstarted(() -> System.out.println("octvex-edge: stopped")));
            new CountDownLatch(1).await();
        }
    }
}
