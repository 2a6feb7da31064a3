package dev.portaltoken.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The URLs platforms set, as the JDBC URL pgjdbc takes and the credentials they carry. */
class DatabaseUrlTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', nullValues = "-", value = {
            // Heroku, Render (no port), Fly, Supabase, as they set DATABASE_URL
            "postgres://u1:pw1@ec2-1-2-3-4.compute-1.amazonaws.com:5432/d9?sslmode=require|jdbc:postgresql://ec2-1-2-3-4.compute-1.amazonaws.com:5432/d9?sslmode=require|u1|pw1",
            "postgres://render:secret@dpg-abc.oregon-postgres.render.com/app_db|jdbc:postgresql://dpg-abc.oregon-postgres.render.com/app_db|render|secret",
            "postgres://fly:pw@app-db.flycast:5432/app?sslmode=disable|jdbc:postgresql://app-db.flycast:5432/app?sslmode=disable|fly|pw",
            "postgresql://postgres.ref:p%40ss%2Fw%3Ard@aws-0-eu.pooler.supabase.com:6543/postgres|jdbc:postgresql://aws-0-eu.pooler.supabase.com:6543/postgres|postgres.ref|p@ss/w:rd",
            // libpq parameters pgjdbc spells otherwise; several hosts; IPv6; no database; no credentials
            "postgres://a:pw5@h:1/d?application_name=x&connect_timeout=4&target_session_attrs=read-write&sslrootcert=/ca.pem|jdbc:postgresql://h:1/d?ApplicationName=x&connectTimeout=4&targetServerType=primary&sslrootcert=/ca.pem|a|pw5",
            "postgres://a:pw6@h1:5432,h2:5433/d|jdbc:postgresql://h1:5432,h2:5433/d|a|pw6",
            "postgres://a:pw7@[::1]:5432/d|jdbc:postgresql://[::1]:5432/d|a|pw7",
            "postgres://a@h|jdbc:postgresql://h/|a|-",
            "postgresql://h:5432/d|jdbc:postgresql://h:5432/d|-|-",
            "jdbc:postgresql://h:5432/d?user=a|jdbc:postgresql://h:5432/d?user=a|-|-"})
    void aPlatformUrlBecomesAJdbcUrlAndCredentials(String given, String jdbc, String user, String password) {
        DatabaseUrl url = DatabaseUrl.parse(given);
        assertEquals(jdbc, url.jdbcUrl());
        assertEquals(Optional.ofNullable(user), url.user());
        assertEquals(Optional.ofNullable(password), url.password().map(Secret::reveal));
        if (password != null) {
            assertFalse(url.toString().contains(password), url::toString);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"mysql://a:b@h/d", "postgres://", "postgres://a:b@/d", "postgres://a:b@h:port/d",
            "postgres://a:b@h h/d", "http://h/d", "jdbc:mysql://h/d"})
    void anythingElseIsRefused(String given) {
        assertThrows(IllegalArgumentException.class, () -> DatabaseUrl.parse(given));
    }
}
