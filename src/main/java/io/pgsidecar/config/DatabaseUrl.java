package io.pgsidecar.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * A {@code postgresql://user:password@host:port/db?sslmode=...} URL, the form most platforms hand
 * out as {@code DATABASE_URL}, turned into what the JDBC driver wants.
 *
 * @param query the query string as given (driver parameters such as {@code sslmode}), or empty
 */
public record DatabaseUrl(String host, int port, String database, Optional<String> user,
                          Optional<String> password, String query) {

    /** Parses the URL; the exception message never contains the password. */
    public static DatabaseUrl parse(String raw) {
        if (raw == null || raw.isBlank()) {
            throw new IllegalArgumentException("it is empty");
        }
        URI uri;
        try {
            uri = new URI(raw.trim());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("it is not a URL (" + e.getReason() + ")");
        }
        String scheme = uri.getScheme();
        if (scheme == null || !(scheme.equals("postgresql") || scheme.equals("postgres"))) {
            throw new IllegalArgumentException("the scheme must be postgresql:// or postgres://");
        }
        String host = uri.getHost();
        if ((host == null || host.isBlank()) && uri.getRawAuthority() != null) {
            throw new IllegalArgumentException("the host or port is not valid (expected host:port with a numeric port)");
        }
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("it names no host (expected postgresql://user:password@host:port/db)");
        }
        int port = uri.getPort() == -1 ? 5432 : uri.getPort();
        Optional<String> user = Optional.empty();
        Optional<String> password = Optional.empty();
        String userInfo = uri.getRawUserInfo();
        if (userInfo != null && !userInfo.isEmpty()) {
            int colon = userInfo.indexOf(':');
            user = Optional.of(decode(colon < 0 ? userInfo : userInfo.substring(0, colon)));
            if (colon >= 0) {
                password = Optional.of(decode(userInfo.substring(colon + 1)));
            }
        }
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        String database = decode(path.startsWith("/") ? path.substring(1) : path);
        if (database.isEmpty()) {
            database = user.orElse("postgres");
        }
        if (database.contains("/")) {
            throw new IllegalArgumentException("the path must be a single database name");
        }
        return new DatabaseUrl(host, port, database, user, password,
                uri.getRawQuery() == null ? "" : uri.getRawQuery());
    }

    /** The JDBC URL, without credentials, keeping the driver parameters. */
    public String jdbcUrl() {
        String h = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
        return "jdbc:postgresql://" + h + ":" + port + "/" + database + (query.isEmpty() ? "" : "?" + query);
    }

    /** The URL with the password replaced, safe for messages and logs. */
    public static String redact(String raw) {
        if (raw == null) {
            return "";
        }
        return raw.replaceAll("(://[^:/@]*:)[^@/]*@", "$1***@");
    }

    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }
}
