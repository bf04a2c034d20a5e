package io.pgsidecar.partitions;

import io.pgsidecar.db.ActionExceptions;
import io.pgsidecar.db.Database;
import io.pgsidecar.db.QualifiedName;
import io.pgsidecar.statements.StatementsPoller;
import io.pgsidecar.statements.StatementsSnapshot;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/** What the admin API asks of the partitions feature: status, analysis, a range made, retention now. */
@ApplicationScoped
public class PartitionService implements io.pgsidecar.db.ActionRights {

    private static final Pattern COLUMN = Pattern.compile("[A-Za-z_][A-Za-z0-9_$]{0,62}");

    private final PartitionsConfig config;
    private final PartitionCatalog catalog;
    private final PartitionManager manager;
    private final PartitionJob job;
    private final JobStore jobs;
    private final Database database;
    private final StatementsPoller statements;

    private final io.pgsidecar.db.Rights rights;

    public PartitionService(PartitionsConfig config, PartitionCatalog catalog, PartitionManager manager, PartitionJob job,
                            JobStore jobs, Database database, StatementsPoller statements, io.pgsidecar.db.Rights rights) {
        this.rights = rights;
        this.config = config;
        this.catalog = catalog;
        this.manager = manager;
        this.job = job;
        this.jobs = jobs;
        this.database = database;
        this.statements = statements;
    }

    /** Every partitioned table, from one catalog query, with the configured sets' job outcomes. */
    public PartitionsStatus status() {
        Instant now = Instant.now();
        List<PartitionedTable> tables = database.withConnection(catalog::read);
        Map<String, JobRecord> latest = jobs.latest();
        List<PartitionsStatus.TableStatus> out = new ArrayList<>();
        List<PartitionsStatus.SetProblem> problems = new ArrayList<>();
        for (PartitionSet set : job.sets()) {
            Optional<PartitionedTable> t = tables.stream().filter(x -> x.schema().equals(set.schema())
                    && x.name().equals(set.table())).findFirst();
            if (t.isEmpty()) {
                problems.add(new PartitionsStatus.SetProblem(set.qualified(), "the table does not exist (yet), or is not "
                        + "partitioned: nothing is made until it is"));
            } else {
                try {
                    PartitionManager.checkManageable(t.get(), set.column());
                } catch (PartitionExceptions.NotManageable | PartitionExceptions.ManagedByPartman e) {
                    problems.add(new PartitionsStatus.SetProblem(set.qualified(), e.getMessage()));
                }
            }
        }
        for (PartitionedTable t : tables) {
            out.add(table(t, job.set(t.schema(), t.name()), latest.get(t.qualified()), now));
        }
        Map<String, List<io.pgsidecar.db.Need>> actions = actions(tables);
        io.pgsidecar.db.Rights.View view = database.withConnection(c -> rights.view(c, actions));
        return new PartitionsStatus(config.enabled(), config.autoCreate(), now, List.copyOf(out), List.copyOf(problems),
                view);
    }

    @Override
    public String feature() {
        return "partitions";
    }

    @Override
    public boolean enabled() {
        return config.enabled();
    }

    @Override
    public Map<String, List<io.pgsidecar.db.Need>> actions(java.sql.Connection c) throws java.sql.SQLException {
        return actions(catalog.read(c));
    }

    /** Each configured set that exists: what making its partitions and its retention need. */
    private Map<String, List<io.pgsidecar.db.Need>> actions(List<PartitionedTable> tables) {
        Map<String, List<io.pgsidecar.db.Need>> actions = new java.util.LinkedHashMap<>();
        for (PartitionedTable t : tables) {
            Optional<PartitionSet> set = job.set(t.schema(), t.name());
            if (set.isPresent()) {
                List<Step> both = List.of(new Step("create_partition", "", "", List.of(), null),
                        new Step("archive", "", "", List.of(), null));
                actions.put("partitions of " + set.get().qualified(),
                        PartitionManager.needs(t, both, set.get().archiveSchema()));
            }
        }
        return actions;
    }

    private PartitionsStatus.TableStatus table(PartitionedTable t, Optional<PartitionSet> set, JobRecord last, Instant now) {
        Optional<ColumnType> type = t.type();
        List<String> problems = new ArrayList<>();
        boolean managed = false;
        if (set.isPresent()) {
            try {
                PartitionManager.checkManageable(t, set.get().column());
                managed = true;
            } catch (RuntimeException e) {
                problems.add(e.getMessage());
            }
        }
        List<PartitionsStatus.PartitionView> parts = new ArrayList<>();
        PartitionsStatus.PartitionView def = null;
        for (PartitionedTable.Partition p : t.ranged()) {
            parts.add(view(p, type));
        }
        if (t.defaultPartition().isPresent()) {
            def = view(t.defaultPartition().get(), type);
        }
        Integer runway = null;
        PartitionsStatus.RetentionView retention = null;
        ZoneId zone = set.map(PartitionSet::zone).orElse(ZoneOffset.UTC);
        if (managed) {
            PartitionSet s = set.get();
            runway = Layout.runway(t, s, type.get(), now);
            if (s.retention() != PartitionSet.Retention.NONE && s.retentionMonths().isPresent()) {
                Layout.Retention r = Layout.retention(t, type.get(), s.zone(), s.retentionMonths().get(), now);
                retention = new PartitionsStatus.RetentionView(show(r.cutoff(), type.get()),
                        r.due().stream().map(PartitionedTable.Partition::qualified).toList());
            }
        }
        int future = type.map(ty -> Layout.futurePartitions(t, ty.now(now, zone))).orElse(0);
        List<PartitionsStatus.GapView> gaps = type.isEmpty() ? List.of() : Layout.gaps(t).stream()
                .map(g -> new PartitionsStatus.GapView(g.after(), g.before(), show(g.from(), type.get()),
                        show(g.to(), type.get()))).toList();
        String newest = null;
        String newestSource = null;
        if (managed && last != null && last.newest() != null) {
            newest = last.newest();
            newestSource = "job";
        } else if (type.isPresent()) {
            Optional<Instant> max = t.partitions().stream().map(PartitionedTable.Partition::newest)
                    .filter(x -> x != null).map(x -> type.get().parse(x)).flatMap(Optional::stream)
                    .max(Instant::compareTo);
            if (max.isPresent()) {
                newest = show(max.get(), type.get());
                newestSource = "statistics";
            }
        }
        String managedBy = t.partman() ? "pg_partman" : set.isPresent() ? "pgsidecar" : null;
        Long defaultRows = def == null ? null : managed && last != null && last.defaultRows() != null
                ? last.defaultRows() : (long) def.estimatedRows();
        return new PartitionsStatus.TableStatus(t.qualified(), t.strategy(), t.keyColumn(), t.keyType(), managedBy,
                set.map(PartitionService::view).orElse(null), t.partitions().size(), List.copyOf(parts), def, defaultRows,
                runway, future, gaps, newest, newestSource, retention, managed ? last : null, List.copyOf(problems));
    }

    private static PartitionsStatus.SetView view(PartitionSet s) {
        return new PartitionsStatus.SetView(s.interval().label(), s.premake(), s.retention().name().toLowerCase(Locale.ROOT),
                s.retentionMonths().orElse(null), s.archiveSchema().orElse(null), s.zone().getId(), s.naming());
    }

    private static PartitionsStatus.PartitionView view(PartitionedTable.Partition p, Optional<ColumnType> type) {
        String lower = p.minValue() ? "MINVALUE" : p.lower().flatMap(l -> type.map(t -> show(l, t))).orElse(null);
        String upper = p.maxValue() ? "MAXVALUE" : p.upper().flatMap(u -> type.map(t -> show(u, t))).orElse(null);
        return new PartitionsStatus.PartitionView(p.qualified(), p.bound(), lower, upper, p.rows(), p.bytes(),
                p.detachPending());
    }

    /** An instant on a key's scale as people read it: UTC for timestamptz, the wall clock for the others. */
    static String show(Instant at, ColumnType type) {
        return switch (type) {
            case TIMESTAMPTZ -> at.toString();
            case TIMESTAMP -> LocalDateTime.ofInstant(at, ZoneOffset.UTC).toString();
            case DATE -> LocalDate.ofInstant(at, ZoneOffset.UTC).toString();
        };
    }

    /** Big, insert-mostly tables with a NOT NULL date or timestamp column in insert order. */
    public PartitionAnalysis analyze() {
        PartitionsConfig.Analysis a = config.analysis();
        StatementsSnapshot snapshot = statements.latest();
        List<PartitionAnalysis.Candidate> out = database.withConnection(c -> candidates(c, a, snapshot));
        return new PartitionAnalysis(Instant.now(), new PartitionAnalysis.Thresholds(a.minSize().asLongValue(), a.minRows(),
                a.minCorrelation(), a.maxChangeShare(), a.targetPartitionSize().asLongValue()), out);
    }

    private static List<PartitionAnalysis.Candidate> candidates(Connection c, PartitionsConfig.Analysis a,
                                                                StatementsSnapshot snapshot) throws SQLException {
        List<PartitionAnalysis.Candidate> out = new ArrayList<>();
        java.util.Set<String> seen = new java.util.HashSet<>();
        try (PreparedStatement ps = c.prepareStatement(PartitionsQueries.CANDIDATES)) {
            ps.setDouble(1, a.minRows());
            ps.setDouble(2, a.minCorrelation());
            ps.setDouble(3, a.maxChangeShare());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String table = rs.getString(1) + "." + rs.getString(2);
                    if (rs.getDouble(3) < a.minSize().asLongValue() || !seen.add(table)) {
                        continue; // the best column of each table (ordered by correlation)
                    }
                    out.add(Conversion.candidate(rs.getString(1), rs.getString(2), rs.getDouble(3), rs.getDouble(4),
                            rs.getString(5), rs.getString(6), rs.getDouble(7), rs.getDouble(8), rs.getDouble(9),
                            rs.getDouble(10), rs.getString(11), rs.getString(12), rs.getBoolean(13),
                            a.targetPartitionSize().asLongValue(), snapshot, Instant.now()));
                }
            }
        }
        return out;
    }

    /** The request of {@code POST .../partitions/create}, checked. */
    public record CreateRequest(String tableName, String columnName, String startDate, String endDate, String interval,
                                String timeZone) {
    }

    public PartitionManager.Result create(CreateRequest r, boolean dryRun) {
        QualifiedName t = tableName("table_name", r.tableName());
        if (r.columnName() == null || !COLUMN.matcher(r.columnName()).matches()) {
            throw new ActionExceptions.BadRequest("column_name '" + r.columnName() + "' is not a column name");
        }
        PartitionInterval interval = PartitionInterval.parse(r.interval()).orElseThrow(() ->
                new ActionExceptions.BadRequest("interval '" + r.interval() + "' is not one of day, week, month, "
                        + "quarter, year"));
        LocalDate start = date("start_date", r.startDate());
        LocalDate end = date("end_date", r.endDate());
        if (!end.isAfter(start)) {
            throw new ActionExceptions.BadRequest("end_date " + end + " is not after start_date " + start);
        }
        Optional<PartitionSet> set = job.set(t.schema(), t.name());
        ZoneId zone;
        try {
            zone = r.timeZone() != null ? ZoneId.of(r.timeZone()) : set.map(PartitionSet::zone).orElse(ZoneOffset.UTC);
        } catch (DateTimeException e) {
            throw new ActionExceptions.BadRequest("time_zone '" + r.timeZone() + "' is not a time zone");
        }
        // a rough bound before any query: a day interval over 30 years is far too many
        long approx = (long) (java.time.temporal.ChronoUnit.DAYS.between(start, end) / interval.days());
        if (approx > config.maxCreate() + 1L) {
            throw new ActionExceptions.BadRequest("the range needs about " + approx + " " + interval.label()
                    + " partitions; at most " + config.maxCreate() + " per call (pgsidecar.partitions.max-create)");
        }
        existing(t);
        String naming = set.filter(s -> s.interval() == interval).map(PartitionSet::naming)
                .orElse(interval.defaultNaming());
        PartitionSet shape = new PartitionSet(t.schema(), t.name(), r.columnName(), interval, 0, Optional.empty(),
                PartitionSet.Retention.NONE, Optional.empty(), zone, naming);
        return manager.create(shape, start, end, dryRun);
    }

    /** Retention now for one table: months and mode from the request, else from the set. */
    public PartitionManager.Result cleanup(String tableName, Integer months, String mode, boolean dryRun) {
        QualifiedName t = tableName("table_name", tableName);
        Optional<PartitionSet> set = job.set(t.schema(), t.name());
        if (months != null && (months < 1 || months > 1200)) {
            throw new ActionExceptions.BadRequest("retention_months " + months + " must be 1 to 1200");
        }
        Integer m = months != null ? months : set.flatMap(PartitionSet::retentionMonths).orElse(null);
        if (m == null) {
            throw new ActionExceptions.BadRequest("table " + t + " has no configured retention: give "
                    + "retention_months");
        }
        PartitionSet.Retention retention;
        if (mode != null) {
            try {
                retention = PartitionSet.Retention.valueOf(mode.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new ActionExceptions.BadRequest("mode '" + mode + "' is not detach or drop");
            }
            if (retention == PartitionSet.Retention.NONE) {
                throw new ActionExceptions.BadRequest("mode 'none' removes nothing: use detach or drop");
            }
        } else {
            // the set's retention if it has one; otherwise detach, which keeps the data
            retention = set.map(PartitionSet::retention).filter(x -> x != PartitionSet.Retention.NONE)
                    .orElse(PartitionSet.Retention.DETACH);
        }
        PartitionedTable table = existing(t);
        if (table == null) {
            throw new ActionExceptions.UnknownTable("table " + t + " is not a partitioned table");
        }
        String column = set.map(PartitionSet::column).orElse(table.keyColumn());
        if (column == null) {
            PartitionManager.checkManageable(table, "?");
        }
        PartitionSet shape = new PartitionSet(t.schema(), t.name(), column, set.map(PartitionSet::interval)
                .orElse(PartitionInterval.MONTH), 0, Optional.of(m), retention,
                set.flatMap(PartitionSet::archiveSchema), set.map(PartitionSet::zone).orElse(ZoneOffset.UTC),
                set.map(PartitionSet::naming).orElse(PartitionInterval.MONTH.defaultNaming()));
        return manager.cleanup(shape, m, dryRun);
    }

    /**
     * The table as the catalog has it. A plain table is 422 (pointing to the conversion plan); no
     * table at all is 404 from the caller's view.
     */
    private PartitionedTable existing(QualifiedName t) {
        return database.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement(PartitionsQueries.RELKIND)) {
                ps.setString(1, t.schema());
                ps.setString(2, t.name());
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        throw new ActionExceptions.UnknownTable("table " + t + " does not exist");
                    }
                    if ("r".equals(rs.getString(1))) {
                        throw new PartitionExceptions.NotManageable("table " + t + " is not partitioned; "
                                + "GET /api/v1/admin/database/partitions/analyze gives a plan to convert it");
                    }
                    if (!"p".equals(rs.getString(1))) {
                        throw new PartitionExceptions.NotManageable(t + " is not a table that can be "
                                + "partitioned (relkind " + rs.getString(1) + ")");
                    }
                }
            }
            Optional<PartitionedTable> p = catalog.read(c, t.schema(), t.name());
            if (p.isEmpty()) {
                throw new PartitionExceptions.NotManageable("table " + t + " is itself a partition of "
                        + "another table; only top-level partitioned tables are managed");
            }
            if (p.get().partman()) {
                throw new PartitionExceptions.ManagedByPartman(p.get().qualified());
            }
            return p.get();
        });
    }

    /** A table name read as PostgreSQL reads it ({@link QualifiedName}), in public when it names no schema. */
    static QualifiedName tableName(String field, String name) {
        try {
            return QualifiedName.parse(name).orIn("public");
        } catch (IllegalArgumentException e) {
            throw new ActionExceptions.UnknownTable(field + " '" + (name == null ? "" : name.length() > 80
                    ? name.substring(0, 80) + "..." : name) + "' is not a table name (schema.table or table)");
        }
    }

    static LocalDate date(String field, String text) {
        if (text == null || text.isBlank()) {
            throw new ActionExceptions.BadRequest(field + " is required (YYYY-MM-DD)");
        }
        try {
            return LocalDate.parse(text.trim());
        } catch (DateTimeParseException e) {
            try {
                return OffsetDateTime.parse(text.trim()).toLocalDate();
            } catch (DateTimeParseException e2) {
                throw new ActionExceptions.BadRequest(field + " '" + (text.length() > 40 ? text.substring(0, 40) + "..."
                        : text) + "' is not a date (YYYY-MM-DD)");
            }
        }
    }
}
