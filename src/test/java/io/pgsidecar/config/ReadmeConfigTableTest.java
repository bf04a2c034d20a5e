package io.pgsidecar.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgsidecar.admin.AdminConfig;
import io.pgsidecar.alerts.AlertsConfig;
import io.pgsidecar.audit.AuditConfig;
import io.pgsidecar.db.ActingConfig;
import io.pgsidecar.db.DbConfig;
import io.pgsidecar.health.HealthConfig;
import io.pgsidecar.leader.LeaderConfig;
import io.pgsidecar.maintenance.MaintenanceConfig;
import io.pgsidecar.indexes.IndexesConfig;
import io.pgsidecar.partitions.PartitionsConfig;
import io.pgsidecar.replicas.ReplicasConfig;
import io.pgsidecar.connections.ConnectionsConfig;
import io.pgsidecar.statements.StatementsConfig;
import io.smallrye.config.ConfigMapping;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A setting is not done until the README's configuration table names it. */
class ReadmeConfigTableTest {

    static final List<Class<?>> MAPPINGS = List.of(DbConfig.class, ActingConfig.class, AdminConfig.class, LeaderConfig.class,
            HealthConfig.class, AuditConfig.class, StatementsConfig.class, ConnectionsConfig.class,
            ReplicasConfig.class, AlertsConfig.class, MaintenanceConfig.class, PartitionsConfig.class,
            IndexesConfig.class);

    @Test
    void everyConfigKeyAndAliasIsInTheReadme() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        List<String> missing = new ArrayList<>();
        for (Class<?> mapping : MAPPINGS) {
            String prefix = mapping.getAnnotation(ConfigMapping.class).prefix();
            for (String key : keys(prefix, mapping)) {
                if (!readme.contains("`" + key + "`")) {
                    missing.add(key);
                }
            }
        }
        for (LegacyAliases.Alias a : LegacyAliases.ALL) {
            if (!readme.contains("`" + a.env() + "`")) {
                missing.add(a.env());
            }
        }
        assertThat(missing).as("keys missing from the README configuration table").isEmpty();
    }

    static List<String> keys(String prefix, Class<?> type) {
        List<String> out = new ArrayList<>();
        for (Method m : type.getDeclaredMethods()) {
            if (m.isSynthetic() || m.isDefault() || java.lang.reflect.Modifier.isStatic(m.getModifiers())) {
                continue;
            }
            String key = prefix + "." + kebab(m.getName());
            Class<?> r = m.getReturnType();
            if (r.isInterface() && r.getName().startsWith("io.pgsidecar")) {
                out.addAll(keys(key, r));
            } else {
                out.add(key);
            }
        }
        return out;
    }

    static String kebab(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase();
    }
}
