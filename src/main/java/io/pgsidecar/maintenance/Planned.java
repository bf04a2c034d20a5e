package io.pgsidecar.maintenance;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * One item of a plan: what it acts on, what it does, the exact SQL, and (for a dry run) why it was
 * picked and what it would touch.
 *
 * @param why the figure that made it a candidate, in words
 * @param rows rows a cleanup would delete now (dry runs count them), else null
 * @param lacking the right the acting role lacks for it and the GRANT that gives it (the item would be
 *     skipped), else null
 */
@RegisterForReflection
public record Planned(String target, String action, String sql, String why, Long rows, String lacking) {
}
