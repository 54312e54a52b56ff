"""SQLite's functions that the store's SQL uses, defined in the PostgreSQL schema.

Created (or replaced) by every migration run, in the store's own schema, so a database user
without superuser rights can hold them. Each returns exactly what SQLite returns for the
store's fixed-width UTC text (``2026-01-05T10:00:00.000000Z``).
"""

from __future__ import annotations

COMPAT_FUNCTIONS: tuple[str, ...] = (
    # Days since noon, 24 November 4714 BC: only differences of it are used (seconds_between).
    """CREATE OR REPLACE FUNCTION julianday(value text) RETURNS double precision
    LANGUAGE sql STABLE STRICT PARALLEL SAFE AS
    $$ SELECT (extract(epoch FROM value::timestamp) / 86400 + 2440587.5)::double precision $$""",
    # The formats the store's views use: %Y %m %d %H %M %S and %f (seconds with milliseconds).
    """CREATE OR REPLACE FUNCTION strftime(fmt text, value text) RETURNS text
    LANGUAGE sql STABLE STRICT PARALLEL SAFE AS
    $$ SELECT replace(replace(replace(replace(replace(replace(replace(fmt,
        '%Y', to_char(t, 'YYYY')), '%m', to_char(t, 'MM')), '%d', to_char(t, 'DD')),
        '%H', to_char(t, 'HH24')), '%M', to_char(t, 'MI')), '%f', to_char(t, 'SS.MS')),
        '%S', to_char(t, 'SS'))
    FROM (SELECT CASE WHEN value = 'now' THEN (now() AT TIME ZONE 'UTC')
        ELSE value::timestamp END AS t) AS x $$""",
    # sum(condition): SQLite counts true conditions (1) and ignores NULL.
    """CREATE OR REPLACE FUNCTION dm_sum_bool(state bigint, value boolean) RETURNS bigint
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
    $$ SELECT CASE WHEN value IS NULL THEN state
        ELSE coalesce(state, 0) + CASE WHEN value THEN 1 ELSE 0 END END $$""",
    "DROP AGGREGATE IF EXISTS sum(boolean)",
    "CREATE AGGREGATE sum(boolean) (SFUNC = dm_sum_bool, STYPE = bigint)",
    """CREATE OR REPLACE FUNCTION dm_concat(state text, value text, sep text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
    $$ SELECT CASE WHEN value IS NULL THEN state WHEN state IS NULL THEN value
        ELSE state || sep || value END $$""",
    """CREATE OR REPLACE FUNCTION dm_concat(state text, value text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT dm_concat(state, value, ',') $$""",
    "DROP AGGREGATE IF EXISTS group_concat(text, text)",
    "CREATE AGGREGATE group_concat(text, text) (SFUNC = dm_concat, STYPE = text)",
    "DROP AGGREGATE IF EXISTS group_concat(text)",
    "CREATE AGGREGATE group_concat(text) (SFUNC = dm_concat, STYPE = text)",
    """CREATE OR REPLACE FUNCTION round(value double precision, digits integer)
    RETURNS double precision LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS
    $$ SELECT round(value::numeric, digits)::double precision $$""",
    # SQLite's scalar min(a, b) / max(a, b): NULL when either is (LEAST/GREATEST skip NULLs).
    *(
        f"""CREATE OR REPLACE FUNCTION {name}(a {kind}, b {kind}) RETURNS {kind}
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS
    $$ SELECT CASE WHEN a{collate} {op} b{collate} THEN a ELSE b END $$"""
        for name, op in (("min", "<="), ("max", ">="))
        for kind, collate in (
            ("text", ' COLLATE "C"'),
            ("bigint", ""),
            ("double precision", ""),
        )
    ),
    # total(x): SQLite's float sum, 0.0 over no rows or only NULLs.
    """CREATE OR REPLACE FUNCTION dm_total(state double precision, value double precision)
    RETURNS double precision LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
    $$ SELECT state + coalesce(value, 0) $$""",
    "DROP AGGREGATE IF EXISTS total(double precision)",
    "CREATE AGGREGATE total(double precision) (SFUNC = dm_total, STYPE = double precision,"
    " INITCOND = '0')",
    """CREATE OR REPLACE FUNCTION instr(haystack text, needle text) RETURNS integer
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT strpos(haystack, needle) $$""",
    # What SQLite's sqlite_schema says about the store's tables, views and indexes (and the
    # session's temp tables, which SQLite lists under temp.sqlite_schema).
    """CREATE OR REPLACE VIEW dm_sqlite_schema AS
    SELECT CASE c.relkind WHEN 'v' THEN 'view' WHEN 'i' THEN 'index' ELSE 'table' END AS type,
        c.relname::text AS name, c.relname::text AS tbl_name, NULL::text AS sql
    FROM pg_class c
    WHERE c.relnamespace IN (current_schema()::regnamespace, pg_my_temp_schema())
        AND c.relkind IN ('r', 'v', 'i', 'p') AND c.relname <> 'dm_sqlite_schema'""",
)
