package io.pgsidecar.admin;

import io.pgsidecar.admin.PageView.Cell;
import io.pgsidecar.admin.PageView.Figure;
import io.pgsidecar.admin.PageView.Row;
import io.pgsidecar.admin.PageView.Section;
import java.util.List;

/**
 * The status page's HTML: the login form and the page that lays out a {@link PageView}. Every text
 * goes through {@link #esc}, in element content and in attribute values alike; the one raw part is
 * a section's sparkline, which {@link PageView} draws from numbers alone.
 *
 * <p>Plain Java instead of a template engine: the page is two small layouts, and the engine (Qute)
 * was about 260 classes loaded at every start of an agent whose page is opened rarely.
 */
final class PageHtml {

    /** The navigation: the {@code active} key of a view and where it links. */
    private static final List<String[]> NAV = List.of(
            new String[] {"overview", "/", "Overview"},
            new String[] {"statements", "/ui/statements", "Statements"},
            new String[] {"connections", "/ui/connections", "Connections"},
            new String[] {"activity", "/ui/activity", "Activity"},
            new String[] {"replicas", "/ui/replicas", "Replicas"},
            new String[] {"alerts", "/ui/alerts", "Alerts"},
            new String[] {"operations", "/ui/operations", "Maintenance, partitions, indexes"});

    private PageHtml() {
    }

    /** The login form, with {@code message} (an error) above it when there is one. */
    static String login(String message) {
        StringBuilder h = new StringBuilder(1024);
        head(h, "Log in");
        h.append("<body class=\"login\">\n<main>\n<h1>pgsidecar</h1>\n")
                .append("<p>The agent's status page. Log in with the admin token (<code>PGSIDECAR_ADMIN_TOKEN</code>).</p>\n");
        if (present(message)) {
            h.append("<p class=\"message error\" id=\"message\">").append(esc(message)).append("</p>\n");
        }
        h.append("<form method=\"post\" action=\"/ui/login\" id=\"login-form\">\n")
                .append("<label>Admin token <input type=\"password\" name=\"token\" id=\"token\" ")
                .append("autocomplete=\"current-password\" required autofocus></label>\n")
                .append("<button type=\"submit\" id=\"login\">Log in</button>\n</form>\n</main>\n</body>\n</html>\n");
        return h.toString();
    }

    /** One page of the status page. */
    static String page(PageView view) {
        StringBuilder h = new StringBuilder(16 * 1024);
        head(h, view.title());
        h.append("<body>\n<header>\n<span class=\"brand\">pgsidecar</span>\n<nav>\n");
        for (String[] n : NAV) {
            h.append("<a href=\"").append(n[1]).append('"');
            if (n[0].equals(view.active())) {
                h.append(" class=\"on\"");
            }
            h.append('>').append(esc(n[2])).append("</a>\n");
        }
        h.append("</nav>\n<form method=\"post\" action=\"/ui/logout\" class=\"logout\">");
        csrf(h, view);
        h.append("<button type=\"submit\" id=\"logout\">Log out</button></form>\n</header>\n<main>\n<h1>")
                .append(esc(view.title())).append("</h1>\n");
        if (present(view.message())) {
            h.append("<p class=\"message").append(view.error() ? " error" : "").append("\" id=\"message\">")
                    .append(esc(view.message())).append("</p>\n");
        }
        for (Section s : view.sections()) {
            section(h, s);
        }
        if (view.silenceForm()) {
            h.append("<section>\n<h2>Add a silence</h2>\n<p class=\"note\">Matching alerts stay listed but are not ")
                    .append("sent to Alertmanager or webhooks until the silence ends. Audited.</p>\n")
                    .append("<form method=\"post\" action=\"/ui/alerts/silences\" class=\"inline\" id=\"silence-form\">\n");
            csrf(h, view);
            h.append("\n<label>Label <input name=\"name\" value=\"alertname\" size=\"12\" required></label>\n")
                    .append("<label>equals <input name=\"value\" id=\"silence-value\" size=\"20\" required></label>\n")
                    .append("<label>for <input name=\"duration\" id=\"silence-duration\" value=\"2h\" size=\"5\" required></label>\n")
                    .append("<label>because <input name=\"comment\" id=\"silence-comment\" size=\"30\" required maxlength=\"500\"></label>\n")
                    .append("<button type=\"submit\" id=\"silence-add\">Add silence</button>\n</form>\n</section>\n");
        }
        if (view.taskForm()) {
            h.append("<section>\n<h2>Run a maintenance task</h2>\n<p class=\"note\">A dry run answers the plan with ")
                    .append("its exact SQL and changes nothing. Audited.</p>\n")
                    .append("<form method=\"post\" action=\"/ui/maintenance/run\" class=\"inline\" id=\"task-form\">\n");
            csrf(h, view);
            h.append("\n<label>Task <select name=\"task\" id=\"task\">");
            for (String t : view.tasks()) {
                h.append("<option>").append(esc(t)).append("</option>");
            }
            h.append("</select></label>\n<label><input type=\"checkbox\" name=\"dry_run\" value=\"true\" checked> dry run</label>\n")
                    .append("<button type=\"submit\" id=\"task-run\">Run</button>\n</form>\n</section>\n");
        }
        h.append("</main>\n<footer>Rendered by the agent without scripts; numbers come from the admin API ")
                .append("(<a href=\"/q/openapi\">its document</a>).</footer>\n</body>\n</html>\n");
        return h.toString();
    }

    private static void head(StringBuilder h, String title) {
        h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>")
                .append(esc(title)).append(" · pgsidecar</title>\n")
                .append("<link rel=\"stylesheet\" href=\"/ui/pgsidecar.css\">\n</head>\n");
    }

    private static void csrf(StringBuilder h, PageView view) {
        h.append("<input type=\"hidden\" name=\"csrf\" value=\"").append(esc(view.csrf())).append("\">");
    }

    private static void section(StringBuilder h, Section s) {
        h.append("<section>\n<h2>").append(esc(s.title())).append("</h2>\n");
        if (present(s.note())) {
            h.append("<p class=\"note\">").append(esc(s.note())).append("</p>\n");
        }
        if (s.figures() != null && !s.figures().isEmpty()) {
            h.append("<dl class=\"figures\">\n");
            for (Figure f : s.figures()) {
                h.append("<div><dt>").append(esc(f.label())).append("</dt><dd");
                stateClass(h, f.state());
                h.append('>').append(esc(f.value())).append("</dd></div>\n");
            }
            h.append("</dl>\n");
        }
        if (s.rows() != null && !s.rows().isEmpty()) {
            h.append("<table>\n<thead><tr>");
            for (String header : s.headers()) {
                h.append("<th>").append(esc(header)).append("</th>");
            }
            h.append("</tr></thead>\n<tbody>\n");
            for (Row row : s.rows()) {
                h.append("<tr>");
                for (Cell c : row.cells()) {
                    cell(h, c);
                }
                h.append("</tr>\n");
            }
            h.append("</tbody>\n</table>\n");
        }
        if (present(s.text())) {
            h.append("<pre>").append(esc(s.text())).append("</pre>\n");
        }
        if (present(s.svg())) {
            h.append("<div class=\"chart\">").append(s.svg()).append("</div>\n");
        }
        h.append("</section>\n");
    }

    private static void cell(StringBuilder h, Cell c) {
        h.append("<td");
        stateClass(h, c.state());
        if (present(c.title())) {
            h.append(" title=\"").append(esc(c.title())).append('"');
        }
        h.append('>');
        if (present(c.href())) {
            h.append("<a href=\"").append(esc(c.href())).append("\">").append(esc(c.text())).append("</a>");
        } else {
            h.append(esc(c.text()));
        }
        h.append("</td>");
    }

    private static void stateClass(StringBuilder h, String state) {
        if (present(state)) {
            h.append(" class=\"").append(esc(state)).append('"');
        }
    }

    private static boolean present(String s) {
        return s != null && !s.isEmpty();
    }

    /** Escapes text for HTML element content and quoted attribute values. Null is empty. */
    static String esc(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder out = null;
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            String rep = switch (ch) {
                case '&' -> "&amp;";
                case '<' -> "&lt;";
                case '>' -> "&gt;";
                case '"' -> "&quot;";
                case '\'' -> "&#39;";
                default -> null;
            };
            if (rep != null && out == null) {
                out = new StringBuilder(s.length() + 16).append(s, 0, i);
            }
            if (out != null) {
                if (rep != null) {
                    out.append(rep);
                } else {
                    out.append(ch);
                }
            }
        }
        return out == null ? s : out.toString();
    }
}
