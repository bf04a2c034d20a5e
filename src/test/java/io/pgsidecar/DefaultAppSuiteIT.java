package io.pgsidecar;

import org.junit.platform.suite.api.SelectClasses;
import org.junit.platform.suite.api.Suite;

/**
 * Classes that need the agent as configured by default, on a fresh database of the fork's shared
 * server: run in one discovery, they share one application and one database (each declares the
 * same {@code @WithTestResource(PgTestResource.class)} and no profile) instead of building and
 * starting six. They run in class-name order (Quarkus' class orderer, which first keeps classes of
 * one application together); each leaves behind only what its own names mark (tables, audit
 * markers, collector names, a schema). {@code pom.xml} keeps them out of direct runs
 * ({@code test.grouped}), {@link io.pgsidecar.packaging.VersionOnlyListTest} checks both lists.
 */
@Suite(failIfNoTests = false)
@SelectClasses(names = {"io.pgsidecar.admin.AdminApiIT", "io.pgsidecar.metrics.MetricsIT",
    "io.pgsidecar.db.PoolBoundIT", "io.pgsidecar.db.ReactivePoolsIT", "io.pgsidecar.db.BatchedPruneIT",
    "io.pgsidecar.db.SchemaUpToDateIT"})
public class DefaultAppSuiteIT {
}
