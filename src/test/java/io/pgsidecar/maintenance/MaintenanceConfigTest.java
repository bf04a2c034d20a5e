package io.pgsidecar.maintenance;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgsidecar.config.ConfigProblems;
import io.pgsidecar.testing.TestConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Maintenance settings: safe defaults, both forms of retention rules, one message per bad key. */
class MaintenanceConfigTest {

    static MaintenanceConfig config(Map<String, String> values) {
        return TestConfig.mapping(MaintenanceConfig.class, values);
    }

    static List<String> problems(Map<String, String> values) {
        ConfigProblems p = new ConfigProblems();
        MaintenanceConfigCheck.check(config(values), p);
        return p.list();
    }

    @Test
    void byDefaultNothingIsScheduledButHousekeepingAndNothingIsEverDeleted() {
        MaintenanceConfig c = config(Map.of());
        assertThat(c.enabled()).isFalse();
        for (Task t : Task.values()) {
            assertThat(t.scheduled(c)).as(t.label()).isEqualTo(t == Task.HOUSEKEEPING);
        }
        assertThat(CleanupRules.parse(c)).isEmpty();
        assertThat(c.connectionHealth().terminateApplications()).isEmpty();
        assertThat(c.lockTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(c.tick()).isEqualTo(Duration.ofSeconds(10));
        assertThat(problems(Map.of())).isEmpty();
        assertThat(MaintenanceMetrics.periodSeconds(Task.VACUUM, c)).as("not scheduled: no period").isZero();
        assertThat(MaintenanceMetrics.periodSeconds(Task.HOUSEKEEPING, c)).isEqualTo(3600);
        assertThat(c.cleanupOldData().batchSize()).isEqualTo(500);
    }

    @Test
    void rulesComeAsOneJsonListOrOneEntryPerTable() {
        Map<String, String> m = new HashMap<>();
        m.put("pgsidecar.maintenance.cleanup.rules",
                "[{\"table\": \"audit.events\", \"column\": \"created_at\", \"older_than\": \"90d\", \"batch_size\": 1000}]");
        m.put("pgsidecar.maintenance.cleanup.tables.\"public.sessions\".column", "last_seen");
        m.put("pgsidecar.maintenance.cleanup.tables.\"public.sessions\".older-than", "12h");
        m.put("pgsidecar.maintenance.cleanup-old-data.batch-size", "2000");
        List<CleanupRules.Rule> rules = CleanupRules.parse(config(m));
        assertThat(rules).containsExactlyInAnyOrder(
                new CleanupRules.Rule("audit", "events", "created_at", Duration.ofDays(90), 1000),
                new CleanupRules.Rule("public", "sessions", "last_seen", Duration.ofHours(12), 2000));
        assertThat(problems(m)).isEmpty();
    }

    @Test
    void ruleTablesAreReadAsPostgresqlReadsThem() {
        Map<String, String> m = new HashMap<>();
        m.put("pgsidecar.maintenance.cleanup.rules", "[{\"table\": \"Audit.Events\", \"column\": \"created_at\", "
                + "\"older_than\": \"90d\"}, {\"table\": \"\\\"Odd\\\".\\\"T.1\\\"\", \"column\": \"at\", "
                + "\"older_than\": \"1d\"}]");
        assertThat(CleanupRules.parse(config(m))).extracting(CleanupRules.Rule::schema, CleanupRules.Rule::table)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("audit", "events"),
                        org.assertj.core.groups.Tuple.tuple("Odd", "T.1"));
        assertThat(problems(m)).isEmpty();
    }

    @Test
    void badSettingsAreEachNamedByKey() {
        Map<String, String> m = new HashMap<>();
        m.put("pgsidecar.maintenance.window", "Sat-Sun 1am-5am");
        m.put("pgsidecar.maintenance.vacuum.cron", "every night");
        m.put("pgsidecar.maintenance.maintain-indexes.invalid-action", "ignore");
        m.put("pgsidecar.maintenance.cleanup.rules",
                "[{\"table\": \"events; DROP TABLE x\", \"column\": \"created_at\", \"older_than\": \"90d\"}]");
        m.put("pgsidecar.maintenance.connection-health.terminate-applications", "pgsidecar-maintenance");
        String all = String.join("\n", problems(m));
        assertThat(all).contains("pgsidecar.maintenance.window='Sat-Sun 1am-5am'")
                .contains("pgsidecar.maintenance.vacuum.cron")
                .contains("pgsidecar.maintenance.maintain-indexes.invalid-action='ignore'")
                .contains("pgsidecar.maintenance.cleanup.rules: rule 0: table 'events; DROP TABLE x' is not a name")
                .contains("the agent never ends its own sessions");

        assertThat(problems(Map.of("pgsidecar.maintenance.tick", "500ms")))
                .containsExactly("pgsidecar.maintenance.tick='PT0.5S': expected from 1s (the scheduler's resolution) to "
                        + "15s (a due task starts, and a heavy run past the window is cancelled, at most one tick late)");
        assertThat(String.join("\n", problems(Map.of("pgsidecar.maintenance.tick", "1m")))).contains("tick='PT1M'");
        assertThat(problems(Map.of("pgsidecar.maintenance.tick", "1s"))).isEmpty();
        assertThat(problems(Map.of("pgsidecar.maintenance.tick", "15s"))).isEmpty();
        assertThat(problems(Map.of("pgsidecar.maintenance.tick", "1s", "pgsidecar.maintenance.orphaned-after", "2s")))
                .containsExactly("pgsidecar.maintenance.orphaned-after='PT2S': expected at least three ticks (PT3S), so a "
                        + "live run beats at least three times before it counts as orphaned");
        assertThat(problems(Map.of("pgsidecar.maintenance.tick", "1s", "pgsidecar.maintenance.orphaned-after", "3s")))
                .isEmpty();
        assertThat(String.join("\n", problems(Map.of("pgsidecar.maintenance.orphaned-after", "29s"))))
                .contains("orphaned-after='PT29S'");
        assertThat(String.join("\n", problems(Map.of("pgsidecar.maintenance.cleanup.rules", "{\"table\": 1}"))))
                .contains("expected a JSON list");
        assertThat(String.join("\n", problems(Map.of("pgsidecar.maintenance.cleanup.rules",
                "[{\"table\": \"t\", \"column\": \"c\", \"older_than\": \"soon\"}]")))).contains("older_than 'soon'");
        assertThat(String.join("\n", problems(Map.of("pgsidecar.maintenance.cleanup.rules",
                "[{\"table\": \"t\", \"column\": \"c\", \"older_than\": \"1d\", \"where\": \"1=1\"}]"))))
                .contains("unknown field 'where'");
    }

    @Test
    void windowsOpenOnTheirDaysAndRunPastMidnight() {
        Window weekend = Window.parse("Sat-Sun 01:00-05:00", "UTC");
        Instant saturday2am = Instant.parse("2026-11-28T02:00:00Z");
        assertThat(weekend.openUntil(saturday2am)).contains(Instant.parse("2026-11-28T05:00:00Z"));
        assertThat(weekend.openUntil(Instant.parse("2026-11-28T05:00:00Z"))).as("the end is outside").isEmpty();
        assertThat(weekend.openUntil(Instant.parse("2026-11-30T02:00:00Z"))).as("Monday").isEmpty();
        assertThat(weekend.nextOpening(Instant.parse("2026-11-30T02:00:00Z")))
                .isEqualTo(Instant.parse("2026-12-05T01:00:00Z"));

        Window nights = Window.parse("Mon-Fri 22:00-02:00", "Europe/Berlin");
        // Saturday 01:00 in Berlin (00:00 UTC) belongs to Friday's night
        assertThat(nights.openUntil(Instant.parse("2026-11-28T00:00:00Z")))
                .contains(Instant.parse("2026-11-28T01:00:00Z"));
        // Sunday 23:00 in Berlin: no night starts on Sunday
        assertThat(nights.openUntil(Instant.parse("2026-11-29T22:00:00Z"))).isEmpty();
        assertThat(Window.parse("daily 00:00-23:59", "UTC").openUntil(saturday2am)).isPresent();
    }

    @Test
    void aScheduleKnowsItsLastAndNextFireAndItsPeriod() {
        Schedule hourly = Schedule.parse("0 0 * * * ?");
        Instant at = Instant.parse("2026-11-30T10:30:00Z");
        assertThat(hourly.last(at)).contains(Instant.parse("2026-11-30T10:00:00Z"));
        assertThat(hourly.next(at)).contains(Instant.parse("2026-11-30T11:00:00Z"));
        assertThat(hourly.period(at)).contains(Duration.ofHours(1));
    }
    /** The case: the default vacuum cron and a Berlin weekend window, in winter and in summer. */
    static Map<String, String> berlinWeekend() {
        Map<String, String> m = new HashMap<>();
        m.put("pgsidecar.maintenance.enabled", "true");
        m.put("pgsidecar.maintenance.window", "Sat-Sun 01:00-05:00");
        m.put("pgsidecar.maintenance.window-time-zone", "Europe/Berlin");
        return m;
    }

    @Test
    void aScheduleIsReadInTheWindowsZoneSoItStaysInsideTheWindowAllYear() {
        MaintenanceConfig c = config(berlinWeekend());
        Schedule vacuum = Schedule.of(Task.VACUUM, c);
        Window window = Window.parse(c.window().orElseThrow(), c.windowTimeZone());
        // winter (CET, UTC+1): Saturday 16 January 2027, 03:30 in Berlin is 02:30 UTC
        Instant winter = vacuum.next(Instant.parse("2027-01-15T23:00:00Z")).orElseThrow();
        assertThat(winter).isEqualTo(Instant.parse("2027-01-16T02:30:00Z"));
        assertThat(window.openUntil(winter)).as("inside the window in winter").isPresent();
        // summer (CEST, UTC+2): Saturday 17 July 2027, 03:30 in Berlin is 01:30 UTC; read in UTC it
        // would be 05:30 in Berlin, after the window, and skipped
        Instant summer = vacuum.next(Instant.parse("2027-07-16T22:00:00Z")).orElseThrow();
        assertThat(summer).isEqualTo(Instant.parse("2027-07-17T01:30:00Z"));
        assertThat(window.openUntil(summer)).as("inside the window in summer").isPresent();
        assertThat(problems(berlinWeekend())).isEmpty();
        // without a window zone the schedule is UTC, as it always was
        assertThat(Schedule.of(Task.VACUUM, config(Map.of())).next(Instant.parse("2027-07-16T22:00:00Z")))
                .contains(Instant.parse("2027-07-17T03:30:00Z"));
    }

    @Test
    void aHeavyScheduleThatNeverFiresInsideItsWindowIsRefused() {
        Map<String, String> m = berlinWeekend();
        m.put("pgsidecar.maintenance.vacuum.cron", "0 30 6 * * ?"); // every day, after the window
        m.put("pgsidecar.maintenance.maintain-indexes.cron", "0 0 2 ? * MON-FRI"); // inside the hours, not the days
        ConfigProblems p = new ConfigProblems();
        MaintenanceConfigCheck.check(config(m), p, Instant.parse("2027-01-01T00:00:00Z"));
        assertThat(p.list()).anySatisfy(x -> assertThat(x).startsWith("pgsidecar.maintenance.vacuum.cron='0 30 6 * * ?': "
                + "never fires inside pgsidecar.maintenance.window='Sat-Sun 01:00-05:00' over the next year")
                .contains("pgsidecar.maintenance.window-time-zone=Europe/Berlin"));
        assertThat(p.list()).anySatisfy(x -> assertThat(x)
                .startsWith("pgsidecar.maintenance.maintain-indexes.cron='0 0 2 ? * MON-FRI': never fires inside"));
        assertThat(p.list()).hasSize(2);

        // a light task ignores the window; a heavy task that is not scheduled is not checked
        Map<String, String> fine = berlinWeekend();
        fine.put("pgsidecar.maintenance.update-statistics.cron", "0 30 6 ? * MON");
        fine.put("pgsidecar.maintenance.vacuum.cron", "0 30 6 * * ?");
        fine.put("pgsidecar.maintenance.vacuum.enabled", "false");
        ConfigProblems none = new ConfigProblems();
        MaintenanceConfigCheck.check(config(fine), none, Instant.parse("2027-01-01T00:00:00Z"));
        assertThat(none.list()).isEmpty();
        // once a year is enough: a run on 1 May falls on a Saturday in 2027
        Map<String, String> yearly = berlinWeekend();
        yearly.put("pgsidecar.maintenance.vacuum.cron", "0 0 3 1 5 ?");
        ConfigProblems rare = new ConfigProblems();
        MaintenanceConfigCheck.check(config(yearly), rare, Instant.parse("2027-01-01T00:00:00Z"));
        assertThat(rare.list()).isEmpty();
    }
}
