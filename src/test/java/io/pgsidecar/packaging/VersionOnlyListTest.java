package io.pgsidecar.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@code -Pversion-only} (CI's second PostgreSQL major) names the classes it runs by file, so that
 * the untagged ones are not discovered at all: this keeps that list equal to the classes tagged
 * {@code by-version}, so a newly tagged class cannot silently miss the second major.
 */
class VersionOnlyListTest {

    static final Pattern PROFILE = Pattern.compile(
            "<id>version-only</id>.*?<test\\.includes>([^<]*)</test\\.includes>", Pattern.DOTALL);

    static final Pattern GROUPED = Pattern.compile("<test\\.grouped>([^<]*)</test\\.grouped>");
    static final Pattern SELECTED = Pattern.compile("\"io\\.pgsidecar\\.[a-z.]*?([A-Za-z]+)\"");

    @Test
    void theProfileNamesExactlyTheClassesTaggedByVersion() throws Exception {
        Matcher m = PROFILE.matcher(Files.readString(Path.of("pom.xml")));
        assertThat(m.find()).as("pom.xml's version-only profile sets test.includes").isTrue();
        // a suite stands for those of its members that are tagged (the tag filter applies inside it)
        Set<String> listed = new TreeSet<>();
        for (String file : files(m.group(1))) {
            Set<String> members = suiteMembers(find(file));
            if (members.isEmpty()) {
                listed.add(file);
            } else {
                members.stream().filter(f -> taggedByVersion(find(f))).forEach(listed::add);
            }
        }

        Set<String> tagged;
        try (Stream<Path> files = Files.walk(Path.of("src/test/java"))) {
            tagged = files.filter(f -> f.toString().endsWith(".java"))
                    // the packaged-agent tests run in failsafe, which filters by tag alone
                    .filter(f -> !f.getFileName().toString().endsWith("PackagedIT.java"))
                    .filter(VersionOnlyListTest::taggedByVersion)
                    .map(f -> f.getFileName().toString())
                    .collect(Collectors.toCollection(TreeSet::new));
        }
        assertThat(tagged).as("classes tagged by-version").isNotEmpty();
        assertThat(listed).isEqualTo(tagged);
    }

    /** The classes kept out of direct runs are exactly the members of the suites, each in one suite. */
    @Test
    void theGroupedClassesAreExactlyTheSuitesMembers() throws Exception {
        Matcher m = GROUPED.matcher(Files.readString(Path.of("pom.xml")));
        assertThat(m.find()).as("pom.xml sets test.grouped").isTrue();
        java.util.List<String> members = new java.util.ArrayList<>();
        try (Stream<Path> files = Files.walk(Path.of("src/test/java"))) {
            files.filter(f -> f.getFileName().toString().endsWith("SuiteIT.java"))
                    .forEach(f -> members.addAll(suiteMembers(f)));
        }
        assertThat(members).as("suite members").isNotEmpty().doesNotHaveDuplicates();
        assertThat(new TreeSet<>(members)).isEqualTo(files(m.group(1)));
    }

    static Set<String> files(String list) {
        return Arrays.stream(list.split(",")).map(String::strip).map(p -> p.replace("**/", ""))
                .collect(Collectors.toCollection(TreeSet::new));
    }

    /** The file names of the classes a suite selects; empty for a class that is no suite. */
    static Set<String> suiteMembers(Path file) {
        try {
            String text = Files.readString(file);
            Set<String> out = new TreeSet<>();
            if (text.contains("@Suite")) {
                Matcher m = SELECTED.matcher(text.substring(text.indexOf("@SelectClasses")));
                while (m.find()) {
                    out.add(m.group(1) + ".java");
                }
            }
            return out;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static Path find(String file) {
        try (Stream<Path> files = Files.walk(Path.of("src/test/java"))) {
            return files.filter(f -> f.getFileName().toString().equals(file)).findFirst()
                    .orElseThrow(() -> new AssertionError("no test class " + file));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static boolean taggedByVersion(Path file) {
        try {
            return Files.readString(file).contains("@Tag(\"by-version\")");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
