package io.octvex.server.bootstrap;

import io.octvex.server.OctvexProperties;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ApplicationContext;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * On the first start, creates the admin and the default workspace and tells the person at the console how
 * to log in. The credentials go to standard output, never to the logger, so they do not land in log files or
 * aggregators; a generated password is also written to {@code <home>/initial-admin.txt}, readable by the
 * owner only.
 */
@Component
class FirstStartAnnouncer implements ApplicationRunner {
    static final String CREDENTIALS_FILE = "initial-admin.txt";
    private static final Logger log = LoggerFactory.getLogger(FirstStartAnnouncer.class);

    private final FirstStart firstStart;
    private final ApplicationContext context;
    private final Environment environment;
    private final Path home;

    FirstStartAnnouncer(FirstStart firstStart, ApplicationContext context, Environment environment,
                        OctvexProperties properties) {
        this.firstStart = firstStart;
        this.context = context;
        this.environment = environment;
        this.home = properties.home();
    }

    @Override
    public void run(ApplicationArguments args) throws IOException {
        var created = firstStart.createAdminIfNone();
        if (created.isEmpty()) {
            return;
        }
        log.info("First start: created the administrator '{}' and the workspace '{}'", created.get().username(),
                FirstStart.DEFAULT_WORKSPACE);
        char[] password = created.get().generatedPassword();
        try {
            Path file = null;
            if (password != null) {
                file = home.resolve(CREDENTIALS_FILE);
                writeOwnerOnly(file, "url=" + url() + "\nusername=" + created.get().username() + "\npassword="
                        + new String(password) + "\n");
            }
            print(System.out, url(), created.get().username(), password, file);
        } finally {
            if (password != null) {
                Arrays.fill(password, '\0');
            }
        }
    }

    String url() {
        int port = context instanceof WebServerApplicationContext web && web.getWebServer() != null
                ? web.getWebServer().getPort() : environment.getProperty("server.port", Integer.class, 7700);
        String address = environment.getProperty("server.address", "127.0.0.1");
        String host = address.equals("0.0.0.0") || address.equals("::") || address.isBlank() ? "localhost" : address;
        return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    static void print(PrintStream out, String url, String username, char[] generatedPassword, Path file) {
        String passwordLine = generatedPassword != null ? new String(generatedPassword)
                : "the password from OCTVEX_ADMIN_PASSWORD";
        String jsonPassword = generatedPassword != null ? new String(generatedPassword) : "$OCTVEX_ADMIN_PASSWORD";
        List<String> lines = new ArrayList<>();
        lines.add("Octvex is ready at " + url);
        lines.add("");
        lines.add("  username: " + username);
        lines.add("  password: " + passwordLine);
        if (file != null) {
            lines.add("");
            lines.add("The password was generated and also saved to");
            lines.add("  " + file + " (readable by you only).");
            lines.add("Change it after logging in, then delete that file.");
        }
        lines.add("");
        lines.add("Log in (one line, copy and paste):");
        lines.add("  curl -s -X POST " + url + "/api/v1/auth/login -H 'Content-Type: application/json' -d \"{\\\"username\\\":\\\""
                + username + "\\\",\\\"password\\\":\\\"" + jsonPassword + "\\\"}\"");
        // a rule above and below, no right border: lines stay copyable as they are
        String rule = "=".repeat(Math.min(100, lines.stream().mapToInt(String::length).max().orElse(0) + 2));
        StringBuilder box = new StringBuilder("\n").append(rule).append('\n');
        for (String line : lines) {
            box.append(line.isEmpty() ? "" : " " + line).append('\n');
        }
        box.append(rule).append('\n');
        out.print(box);
        out.flush();
    }

    /** Writes a file only its owner can read; on a file system without POSIX permissions, says so. */
    static void writeOwnerOnly(Path file, String content) throws IOException {
        Files.createDirectories(file.getParent());
        Files.deleteIfExists(file);
        byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
        try {
            Set<PosixFilePermission> ownerOnly = PosixFilePermissions.fromString("rw-------");
            // created with its final permissions: no moment in which others could open it
            Files.createFile(file, PosixFilePermissions.asFileAttribute(ownerOnly));
            Files.write(file, bytes, StandardOpenOption.TRUNCATE_EXISTING);
        } catch (UnsupportedOperationException e) {
            try {
                Files.write(file, bytes, StandardOpenOption.CREATE_NEW);
            } catch (FileAlreadyExistsException again) {
                throw new IOException("could not create " + file, again);
            }
            log.warn("{} holds the initial admin password; this file system has no POSIX permissions, "
                    + "so restrict access to it yourself", file);
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
    }
}
