package org.hospital.incidents.support;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Prints the body of one HTTP GET (redirects followed) with the JDK's own HTTP client, for scripts that must not
 * depend on curl being installed (e.g. {@code bin/ui-drill} reading the Prometheus endpoint).
 *
 * <p>Exit status: 0 for HTTP 200; 1 for another status or no answer within 10 s; 2 without exactly one URL.
 */
public final class HttpGet {

    private HttpGet() {
    }

    /**
     * @param args one URL
     * @throws InterruptedException when interrupted
     */
    public static void main(String[] args) throws InterruptedException {
        if (args.length != 1) {
            System.err.println("usage: HttpGet URL");
            System.exit(2);
        }
        try {
            HttpResponse<String> response = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL)
                    .connectTimeout(Duration.ofSeconds(10)).build()
                    .send(HttpRequest.newBuilder(URI.create(args[0])).timeout(Duration.ofSeconds(10)).build(),
                            HttpResponse.BodyHandlers.ofString());
            System.out.print(response.body());
            System.exit(response.statusCode() == 200 ? 0 : 1);
        } catch (IOException | IllegalArgumentException e) {
            System.err.println("HttpGet: " + args[0] + ": " + e);
            System.exit(1);
        }
    }
}
