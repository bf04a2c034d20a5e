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

    @Test
    void theProfileNamesExactlyTheClassesTaggedByVersion() throws Exception {
        Matcher m = PROFILE.matcher(Files.readString(Path.of("pom.xml")));
        assertThat(m.find()).as("pom.xml's version-only profile sets test.includes").isTrue();
        Set<String> listed = Arrays.stream(m.group(1).split(","))
                .map(String::strip)
                .map(p -> p.replace("**/", ""))
                .collect(Collectors.toCollection(TreeSet::new));

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

    static boolean taggedByVersion(Path file) {
        try {
            return Files.readString(file).contains("@Tag(\"by-version\")");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
