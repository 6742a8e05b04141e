package dev.rollback.liquibase.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The column names an expression mentions, as the refusal of a pending rename reads them. */
class SqlNamesTest {

    @Test
    void readsUnquotedNamesInLowerCaseAndQuotedOnesAsWritten() {
        assertThat(SqlNames.identifiers("Price > 0 AND \"Title\" IS NOT NULL AND \"a\"\"b\" = 1"))
                .containsExactly("price", "and", "Title", "is", "not", "null", "a\"b");
    }

    @Test
    void skipsStringLiteralsFunctionCallsAndNumbers() {
        assertThat(SqlNames.identifiers("LOWER (email) <> 'email''s name' AND amount > 1e5 AND length(x)=2"))
                .containsExactly("email", "and", "amount", "x");
    }

    @Test
    void givesEachPartOfAQualifiedName() {
        assertThat(SqlNames.identifiers("rb_p.id = items.owner_id")).containsExactly("rb_p", "id", "items", "owner_id");
    }

    @Test
    void takesAnUnterminatedLiteralAsTextToTheEnd() {
        assertThat(SqlNames.identifiers("name = 'abc")).containsExactly("name");
        assertThat(SqlNames.identifiers("name = \"")).containsExactly("name", "");
    }
}
