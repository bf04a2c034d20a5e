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

    /**
     * The URL with its password replaced, safe for messages and logs whatever the password holds.
     * Everything between the user name and the last {@code @} is hidden (a password may hold
     * {@code @}, {@code /}, {@code :} or {@code #} unencoded, and a URL that does not parse still has
     * to be shown without it), and so is everything after a {@code password=} driver parameter (an
     * unencoded password may hold {@code &} and {@code =}, so where it ends cannot be known). When in
     * doubt it hides more: a URL with an {@code @} in its query loses the host from the message,
     * never the password.
     */
    public static String redact(String raw) {
        if (raw == null) {
            return "";
        }
        String out = raw;
        int at = out.lastIndexOf('@');
        // where the user name may start: after the scheme(s) and their slashes, after the first
        // "://", or at the very start; a password may itself hold "://" or "/", so each is tried
        // and the earliest colon found wins: hiding more, never less
        java.util.regex.Matcher scheme = SCHEME.matcher(out);
        int first = out.indexOf("://");
        int[] starts = {scheme.lookingAt() ? scheme.end() : 0, first < 0 ? 0 : first + 3, 0};
        int hideFrom = -1;
        for (int start : starts) {
            if (at >= start) {
                int colon = out.substring(start, at).indexOf(':');
                if (colon >= 0 && (hideFrom < 0 || start + colon < hideFrom)
                        && (start > 0 || first < 0 || colon > first)) {
                    hideFrom = start + colon;
                }
            }
        }
        // a URL whose scheme is none of PostgreSQL's cannot be read part by part ("app://PW@host" is
        // user "app" with the password "//PW" as much as user "PW"): everything from its first colon
        // to the last @ is hidden
        int lead = out.indexOf(':');
        if (lead >= 0 && lead < at && !KNOWN_SCHEMES.contains(out.substring(0, lead).toLowerCase(java.util.Locale.ROOT))) {
            hideFrom = hideFrom < 0 ? lead : Math.min(hideFrom, lead);
        }
        if (hideFrom >= 0) {
            out = out.substring(0, hideFrom) + ":***" + out.substring(at);
        }
        return PASSWORD_PARAMETER.matcher(out).replaceAll("$1***");
    }

    /** What a connection URL may start with. */
    private static final java.util.Set<String> KNOWN_SCHEMES = java.util.Set.of("postgresql", "postgres", "jdbc");

    /** One or more schemes ({@code jdbc:postgresql:}) and the slashes after them. */
    private static final java.util.regex.Pattern SCHEME =
            java.util.regex.Pattern.compile("(?:[A-Za-z][A-Za-z0-9+.-]*:)+/+");

    private static final java.util.regex.Pattern PASSWORD_PARAMETER =
            java.util.regex.Pattern.compile("(?is)((?:^|[?&;\\s])[a-z_]*password=).*");

    /** Percent-decoding whose error never quotes the text (which may be a password). */
    private static String decode(String s) {
        try {
            return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("it holds a malformed %-escape (write a literal % as %25)");
        }
    }
}
