package io.pgsidecar.db;

import java.util.List;

/**
 * An action the agent's acting role may not do: the rights it lacks and the GRANT that gives each.
 * Thrown before anything is tried (and by the dry run); the admin API answers 403 {@code no_permission}.
 */
public final class NoPermissionException extends RuntimeException {

    private final transient List<Rights.Lack> lacking;

    public NoPermissionException(String action, List<Rights.Lack> lacking) {
        super(message(action, lacking));
        this.lacking = List.copyOf(lacking);
    }

    public List<Rights.Lack> lacking() {
        return lacking;
    }

    private static String message(String action, List<Rights.Lack> lacking) {
        StringBuilder b = new StringBuilder(action).append(" needs rights the agent's acting role does not hold: ");
        int shown = Math.min(3, lacking.size());
        for (int i = 0; i < shown; i++) {
            b.append(i == 0 ? "" : "; ").append(lacking.get(i).message());
        }
        if (lacking.size() > shown) {
            b.append("; and ").append(lacking.size() - shown).append(" more");
        }
        return b.append(" (README, \"Roles and rights\"; pgsidecar grants prints them all)").toString();
    }
}
