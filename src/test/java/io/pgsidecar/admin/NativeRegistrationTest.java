package io.pgsidecar.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.runtime.annotations.RegisterForReflection;
import io.pgsidecar.alerts.Alert;
import io.pgsidecar.alerts.Silence;
import io.pgsidecar.audit.AuditEntry;
import io.pgsidecar.connections.ConnectionsSnapshot;
import io.pgsidecar.db.PoolStats;
import io.pgsidecar.maintenance.MaintenanceRun;
import io.pgsidecar.maintenance.MaintenanceService;
import io.pgsidecar.maintenance.MaintenanceStatus;
import io.pgsidecar.maintenance.Planned;
import io.pgsidecar.replicas.PrimaryView;
import io.pgsidecar.replicas.ReplicaStatus;
import io.pgsidecar.replicas.ReplicasSnapshot;
import io.pgsidecar.statements.StatementHistory;
import io.pgsidecar.statements.StatementsSnapshot;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.lang.reflect.WildcardType;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Every class the admin API serialises with Jackson is registered for reflection, so the native
 * image can serialise it. Walks the return types of every resource method, and of the snapshots
 * the resources put into maps, through generic arguments and record components.
 */
class NativeRegistrationTest {

    static final List<Class<?>> RESOURCES = List.of(DatabaseAdminResource.class, PerformanceResource.class,
            ReplicasResource.class, AlertsResource.class, MaintenanceResource.class,
            PartitionsResource.class, IndexesResource.class);

    /** Types placed into {@code Map<String, Object>} answers, which the return types cannot show. */
    static final List<Class<?>> MAP_VALUES = List.of(StatementsSnapshot.class, ConnectionsSnapshot.class,
            PoolStats.class, PrimaryView.class, ReplicaStatus.class, ReplicasSnapshot.class, ChangeRequest.class,
            AuditEntry.class, StatementHistory.Point.class, Silence.class, Alert.class, MaintenanceRun.class,
            MaintenanceRun.Detail.class, MaintenanceStatus.class, MaintenanceService.RunAnswer.class, Planned.class);

    @Test
    void everySerialisedClassIsRegisteredForReflection() {
        Deque<Type> todo = new ArrayDeque<>();
        for (Class<?> r : RESOURCES) {
            for (Method m : r.getDeclaredMethods()) {
                if (m.isAnnotationPresent(jakarta.ws.rs.GET.class) || m.isAnnotationPresent(jakarta.ws.rs.POST.class)
                        || m.isAnnotationPresent(jakarta.ws.rs.DELETE.class)) {
                    todo.add(m.getGenericReturnType());
                }
            }
        }
        todo.addAll(MAP_VALUES);
        Set<Class<?>> seen = new LinkedHashSet<>();
        while (!todo.isEmpty()) {
            Type t = todo.poll();
            if (t instanceof ParameterizedType p) {
                todo.add(p.getRawType());
                todo.addAll(List.of(p.getActualTypeArguments()));
            } else if (t instanceof GenericArrayType g) {
                todo.add(g.getGenericComponentType());
            } else if (t instanceof WildcardType w) {
                todo.addAll(List.of(w.getUpperBounds()));
            } else if (t instanceof Class<?> c && c.getName().startsWith("io.pgsidecar.") && seen.add(c)) {
                if (c.isRecord()) {
                    for (RecordComponent rc : c.getRecordComponents()) {
                        todo.add(rc.getGenericType());
                    }
                }
            }
        }
        Set<String> missing = new TreeSet<>();
        for (Class<?> c : seen) {
            if (!c.isEnum() && !c.isAnnotationPresent(RegisterForReflection.class)) {
                missing.add(c.getName());
            }
        }
        assertThat(seen).as("the walk found the API's types").hasSizeGreaterThan(20);
        assertThat(missing).as("serialised but not registered for reflection").isEmpty();
    }

    /**
     * The CLI's commands are read reflectively by picocli: its annotation processor writes their
     * native-image configuration at compile time; every command class must be in it.
     */
    @org.junit.jupiter.api.Test
    void everyCliCommandIsInTheGeneratedNativeConfiguration() throws Exception {
        String config;
        try (java.io.InputStream in = getClass().getClassLoader().getResourceAsStream(
                "META-INF/native-image/picocli-generated/io.pgsidecar/pgsidecar/reflect-config.json")) {
            assertThat(in).as("picocli-codegen's reflect-config.json").isNotNull();
            config = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
        java.util.List<Class<?>> commands = new java.util.ArrayList<>(java.util.List.of(io.pgsidecar.cli.Cli.class));
        for (int i = 0; i < commands.size(); i++) {
            picocli.CommandLine.Command c = commands.get(i).getAnnotation(picocli.CommandLine.Command.class);
            if (c != null) {
                for (Class<?> sub : c.subcommands()) {
                    if (sub.getName().startsWith("io.pgsidecar")) {
                        commands.add(sub);
                    }
                }
            }
        }
        assertThat(commands).hasSizeGreaterThan(12);
        for (Class<?> c : commands) {
            assertThat(config).as(c.getName()).contains("\"" + c.getName() + "\"");
        }
    }
}
