"""The triggers that keep ``dashboard_firstheld`` (a collector's first day holding a household, per calendar year)
in step with ``assignments_assignment``.

Installed by migration 0004, beside the table they fill. On PostgreSQL they are statement-level with transition
tables, so a day's split (a COPY of a hundred thousand rows) updates the summary in one set-based statement per
step; SQLite (the embedded default, small data) has row-level triggers only. The invariant each one keeps: a row
per (year, household, collector) with at least one assignment that year, holding the earliest such day.

- an insert lowers a pair's first day to the earliest new one (or adds the pair);
- a delete touches only the pairs whose first day was a deleted row's day: dropped when the pair has no
  assignment left that year, else given the earliest one left (read on the assignments' (household_id, day) index);
- an update that moves a row (another collector, household or day) is a delete of the old row and an insert of
  the new; one that changes only the position in a list (the most common) changes nothing here.
"""

TABLE = "dashboard_firstheld"

_PG_YEAR = "CAST(EXTRACT(YEAR FROM {0}) AS INTEGER)"
# The assignments ``a`` of a summary row ``f``'s pair in its year.
_PG_SAME_PAIR = (
    "a.household_id = f.household_id AND a.staff_id = f.staff_id "
    "AND a.day >= make_date(f.year, 1, 1) AND a.day < make_date(f.year + 1, 1, 1)"
)

_PG_FUNCTION = "RETURNS trigger LANGUAGE plpgsql AS $$"


def _pg_add(rows: str) -> str:
    # No join here, only the conflict arbiter's lookups on the unique index: a plan that joined the new rows to
    # the summary depended on statistics a table just filled does not have (an anti-join to leave out the pairs
    # already held ran for minutes on a fresh database), where this costs a row lock per pair already held.
    return f"""
    INSERT INTO {TABLE} (year, household_id, staff_id, first_day)
    SELECT {_PG_YEAR.format("day")}, household_id, staff_id, MIN(day) FROM {rows} GROUP BY 1, 2, 3
    ON CONFLICT (year, household_id, staff_id) DO UPDATE SET first_day = EXCLUDED.first_day
    WHERE EXCLUDED.first_day < {TABLE}.first_day;"""


def _pg_remove(rows: str) -> str:
    gone = f"(SELECT DISTINCT {_PG_YEAR.format('day')} AS year, household_id, staff_id, day FROM {rows})"
    first = "f.year = o.year AND f.household_id = o.household_id AND f.staff_id = o.staff_id AND f.first_day = o.day"
    return f"""
    DELETE FROM {TABLE} f USING {gone} o
    WHERE {first} AND NOT EXISTS (SELECT 1 FROM assignments_assignment a WHERE {_PG_SAME_PAIR});
    UPDATE {TABLE} f SET first_day = (SELECT MIN(a.day) FROM assignments_assignment a WHERE {_PG_SAME_PAIR})
    FROM {gone} o
    WHERE {first};"""


# What an update took away and what it put in, as (household, collector, day): set differences of the transition
# tables (hashed, where a join of the two on the id would be planned as a nested loop over two tables without
# statistics). A triple on both sides is there before and after, so neither step needs it.
_PG_MOVED = (
    """(SELECT household_id, staff_id, day FROM {0} EXCEPT SELECT household_id, staff_id, day FROM {1}) AS moved"""
)

POSTGRESQL = [
    f"""
CREATE FUNCTION dashboard_first_held_inserted() {_PG_FUNCTION}
BEGIN
    {_pg_add("new_rows")}
    RETURN NULL;
END $$;
""",
    """
CREATE TRIGGER dashboard_first_held_inserted AFTER INSERT ON assignments_assignment
REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION dashboard_first_held_inserted();
""",
    f"""
CREATE FUNCTION dashboard_first_held_deleted() {_PG_FUNCTION}
BEGIN
    {_pg_remove("old_rows")}
    RETURN NULL;
END $$;
""",
    """
CREATE TRIGGER dashboard_first_held_deleted AFTER DELETE ON assignments_assignment
REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION dashboard_first_held_deleted();
""",
    f"""
CREATE FUNCTION dashboard_first_held_updated() {_PG_FUNCTION}
BEGIN
    {_pg_remove(_PG_MOVED.format("old_rows", "new_rows"))}
    {_pg_add(_PG_MOVED.format("new_rows", "old_rows"))}
    RETURN NULL;
END $$;
""",
    """
CREATE TRIGGER dashboard_first_held_updated AFTER UPDATE ON assignments_assignment
REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION dashboard_first_held_updated();
""",
]

POSTGRESQL_DROP = [
    "DROP TRIGGER IF EXISTS dashboard_first_held_inserted ON assignments_assignment",
    "DROP TRIGGER IF EXISTS dashboard_first_held_deleted ON assignments_assignment",
    "DROP TRIGGER IF EXISTS dashboard_first_held_updated ON assignments_assignment",
    "DROP FUNCTION IF EXISTS dashboard_first_held_inserted()",
    "DROP FUNCTION IF EXISTS dashboard_first_held_deleted()",
    "DROP FUNCTION IF EXISTS dashboard_first_held_updated()",
]

_SQLITE_YEAR = "CAST(strftime('%Y', {0}) AS INTEGER)"


def _sqlite_pair(row: str) -> str:
    return (
        f"year = {_SQLITE_YEAR.format(row + '.day')} AND household_id = {row}.household_id "
        f"AND staff_id = {row}.staff_id"
    )


def _sqlite_add(row: str) -> str:
    return f"""
    INSERT OR IGNORE INTO {TABLE} (year, household_id, staff_id, first_day)
    VALUES ({_SQLITE_YEAR.format(row + ".day")}, {row}.household_id, {row}.staff_id, {row}.day);
    UPDATE {TABLE} SET first_day = {row}.day WHERE {_sqlite_pair(row)} AND first_day > {row}.day;"""


def _sqlite_remove(row: str) -> str:
    same_pair = (
        f"FROM assignments_assignment a WHERE a.household_id = {row}.household_id AND a.staff_id = {row}.staff_id "
        f"AND a.day BETWEEN date({row}.day, 'start of year') AND date({row}.day, 'start of year', '+1 year', '-1 day')"
    )
    return f"""
    DELETE FROM {TABLE} WHERE {_sqlite_pair(row)} AND first_day = {row}.day AND NOT EXISTS (SELECT 1 {same_pair});
    UPDATE {TABLE} SET first_day = (SELECT MIN(a.day) {same_pair})
    WHERE {_sqlite_pair(row)} AND first_day = {row}.day;"""


SQLITE = [
    f"""
CREATE TRIGGER dashboard_first_held_inserted AFTER INSERT ON assignments_assignment BEGIN
    {_sqlite_add("NEW")}
END;
""",
    f"""
CREATE TRIGGER dashboard_first_held_deleted AFTER DELETE ON assignments_assignment BEGIN
    {_sqlite_remove("OLD")}
END;
""",
    f"""
CREATE TRIGGER dashboard_first_held_updated AFTER UPDATE OF household_id, staff_id, day ON assignments_assignment
WHEN OLD.household_id IS NOT NEW.household_id OR OLD.staff_id IS NOT NEW.staff_id OR OLD.day IS NOT NEW.day
BEGIN
    {_sqlite_remove("OLD")}
    {_sqlite_add("NEW")}
END;
""",
]

SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS dashboard_first_held_inserted",
    "DROP TRIGGER IF EXISTS dashboard_first_held_deleted",
    "DROP TRIGGER IF EXISTS dashboard_first_held_updated",
]


def fill_sql(vendor: str) -> str:
    """The summary of every assignment already there (the migration's data step)."""
    year = (_PG_YEAR if vendor == "postgresql" else _SQLITE_YEAR).format("day")
    return f"""
INSERT INTO {TABLE} (year, household_id, staff_id, first_day)
SELECT {year}, household_id, staff_id, MIN(day) FROM assignments_assignment GROUP BY {year}, household_id, staff_id
"""


def install(apps, schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    schema_editor.execute(fill_sql(vendor))
    for statement in POSTGRESQL if vendor == "postgresql" else SQLITE:
        schema_editor.execute(statement)


def uninstall(apps, schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    for statement in POSTGRESQL_DROP if vendor == "postgresql" else SQLITE_DROP:
        schema_editor.execute(statement)
