package io.pgsidecar.admin;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AdminHttpLimitsTest {

    @Test
    void pathsThatCannotBeNamesAreNamedProblems() {
        assertThat(AdminHttpLimits.pathProblem("/api/v1/admin/database/partitions/public.events/cleanup")).isNull();
        assertThat(AdminHttpLimits.pathProblem("/api/v1/admin/database/partitions/%22Odd%20Name%22/cleanup")).isNull();
        assertThat(AdminHttpLimits.pathProblem("/x/%C3%A9v%C3%A9nements")).isNull();
        assertThat(AdminHttpLimits.pathProblem("/x/%00")).contains("U+0000");
        assertThat(AdminHttpLimits.pathProblem("/x/a%1b")).contains("U+001B");
        assertThat(AdminHttpLimits.pathProblem("/x/a%C2%85")).contains("U+0085");
        assertThat(AdminHttpLimits.pathProblem("/x/%zz")).contains("two hex digits");
        assertThat(AdminHttpLimits.pathProblem("/x/%4")).contains("two hex digits");
        assertThat(AdminHttpLimits.pathProblem("/x/%C0%80")).contains("not UTF-8");
        assertThat(AdminHttpLimits.pathProblem("/x/%FF")).contains("not UTF-8");
    }
}
