"""The triggers that keep ``arrears_chargebalance`` (paid to date per charge) in step with the ledger.

Installed by migration 0006. On PostgreSQL they are statement-level with transition tables, so a COPY of a million
allocations updates the balances in one set-based statement; SQLite (the embedded default, small data) has row-level
triggers only. Inserts add to the sums; an update or delete of an allocation or a charge (the product does neither;
the admin and the tests might) recomputes the affected charges from their allocations.
"""

FEN = "CAST(ROUND({0} * 100) AS BIGINT)"

# The balance of the charges whose ids the subquery ``{ids}`` gives, from scratch.
_PG_RECOMPUTE = """
UPDATE arrears_chargebalance b SET
    household_id = s.household_id, due_date = s.due_date, amount_fen = s.amount_fen, paid_fen = s.paid_fen,
    paid_fen_days = s.paid_fen_days, first_paid_on = s.first_paid_on, last_paid_on = s.last_paid_on,
    irregular = s.negative OR s.paid_fen > s.amount_fen
FROM (
    SELECT c.id, c.household_id, c.due_date, CAST(ROUND(c.amount * 100) AS BIGINT) AS amount_fen,
           COALESCE(SUM(CAST(ROUND(a.amount * 100) AS BIGINT)), 0) AS paid_fen,
           COALESCE(SUM(CAST(ROUND(a.amount * 100) AS BIGINT) * (a.applied_on - DATE '1970-01-01')), 0)
               AS paid_fen_days,
           MIN(a.applied_on) AS first_paid_on, MAX(a.applied_on) AS last_paid_on,
           COALESCE(bool_or(a.amount < 0), FALSE) AS negative
    FROM arrears_charge c LEFT JOIN arrears_allocation a ON a.charge_id = c.id
    WHERE c.id IN ({ids})
    GROUP BY c.id
) s
WHERE b.charge_id = s.id;
"""

POSTGRESQL = [
    """
CREATE FUNCTION arrears_balance_charges_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO arrears_chargebalance
        (charge_id, household_id, due_date, amount_fen, paid_fen, paid_fen_days, irregular)
    SELECT id, household_id, due_date, CAST(ROUND(amount * 100) AS BIGINT), 0, 0, FALSE FROM new_rows;
    RETURN NULL;
END $$;
""",
    """
CREATE TRIGGER arrears_balance_charges_inserted AFTER INSERT ON arrears_charge
REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION arrears_balance_charges_inserted();
""",
    """
CREATE FUNCTION arrears_balance_allocations_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE arrears_chargebalance b SET
        paid_fen = b.paid_fen + n.fen,
        paid_fen_days = b.paid_fen_days + n.fen_days,
        first_paid_on = LEAST(b.first_paid_on, n.first_on),
        last_paid_on = GREATEST(b.last_paid_on, n.last_on),
        irregular = b.irregular OR n.negative OR b.paid_fen + n.fen > b.amount_fen
    FROM (
        SELECT charge_id, SUM(CAST(ROUND(amount * 100) AS BIGINT)) AS fen,
               SUM(CAST(ROUND(amount * 100) AS BIGINT) * (applied_on - DATE '1970-01-01')) AS fen_days,
               MIN(applied_on) AS first_on, MAX(applied_on) AS last_on, bool_or(amount < 0) AS negative
        FROM new_rows GROUP BY charge_id
    ) n
    WHERE b.charge_id = n.charge_id;
    RETURN NULL;
END $$;
""",
    """
CREATE TRIGGER arrears_balance_allocations_inserted AFTER INSERT ON arrears_allocation
REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION arrears_balance_allocations_inserted();
""",
    f"""
CREATE FUNCTION arrears_balance_allocations_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    {_PG_RECOMPUTE.format(ids="SELECT charge_id FROM old_rows UNION SELECT charge_id FROM new_rows")}
    RETURN NULL;
END $$;
""",
    """
CREATE TRIGGER arrears_balance_allocations_updated AFTER UPDATE ON arrears_allocation
REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION arrears_balance_allocations_changed();
""",
    f"""
CREATE FUNCTION arrears_balance_allocations_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    {_PG_RECOMPUTE.format(ids="SELECT charge_id FROM old_rows")}
    RETURN NULL;
END $$;
""",
    """
CREATE TRIGGER arrears_balance_allocations_deleted AFTER DELETE ON arrears_allocation
REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION arrears_balance_allocations_deleted();
""",
    f"""
CREATE FUNCTION arrears_balance_charges_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    {_PG_RECOMPUTE.format(ids="SELECT id FROM new_rows")}
    RETURN NULL;
END $$;
""",
    """
CREATE TRIGGER arrears_balance_charges_updated AFTER UPDATE ON arrears_charge
REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
FOR EACH STATEMENT EXECUTE FUNCTION arrears_balance_charges_updated();
""",
]

POSTGRESQL_DROP = [
    "DROP TRIGGER IF EXISTS arrears_balance_charges_inserted ON arrears_charge",
    "DROP TRIGGER IF EXISTS arrears_balance_charges_updated ON arrears_charge",
    "DROP TRIGGER IF EXISTS arrears_balance_allocations_inserted ON arrears_allocation",
    "DROP TRIGGER IF EXISTS arrears_balance_allocations_updated ON arrears_allocation",
    "DROP TRIGGER IF EXISTS arrears_balance_allocations_deleted ON arrears_allocation",
    "DROP FUNCTION IF EXISTS arrears_balance_charges_inserted()",
    "DROP FUNCTION IF EXISTS arrears_balance_charges_updated()",
    "DROP FUNCTION IF EXISTS arrears_balance_allocations_inserted()",
    "DROP FUNCTION IF EXISTS arrears_balance_allocations_changed()",
    "DROP FUNCTION IF EXISTS arrears_balance_allocations_deleted()",
]

_SQLITE_DAY = "(CAST(julianday({0}) AS INTEGER) - 2440587)"


def _sqlite_recompute(charge: str) -> str:
    fen = FEN.format("amount")
    sums = f"FROM arrears_allocation WHERE charge_id = {charge}"
    return f"""
    UPDATE arrears_chargebalance SET
        household_id = (SELECT household_id FROM arrears_charge WHERE id = {charge}),
        due_date = (SELECT due_date FROM arrears_charge WHERE id = {charge}),
        amount_fen = (SELECT {FEN.format("amount")} FROM arrears_charge WHERE id = {charge}),
        paid_fen = (SELECT COALESCE(SUM({fen}), 0) {sums}),
        paid_fen_days = (SELECT COALESCE(SUM({fen} * {_SQLITE_DAY.format("applied_on")}), 0) {sums}),
        first_paid_on = (SELECT MIN(applied_on) {sums}),
        last_paid_on = (SELECT MAX(applied_on) {sums}),
        irregular = (EXISTS (SELECT 1 {sums} AND amount < 0)
                     OR (SELECT COALESCE(SUM({fen}), 0) {sums})
                        > (SELECT {FEN.format("amount")} FROM arrears_charge WHERE id = {charge}))
    WHERE charge_id = {charge} AND EXISTS (SELECT 1 FROM arrears_charge WHERE id = {charge});"""


_NEW_FEN = FEN.format("NEW.amount")

SQLITE = [
    f"""
CREATE TRIGGER arrears_balance_charges_inserted AFTER INSERT ON arrears_charge BEGIN
    INSERT INTO arrears_chargebalance
        (charge_id, household_id, due_date, amount_fen, paid_fen, paid_fen_days, irregular)
    VALUES (NEW.id, NEW.household_id, NEW.due_date, {_NEW_FEN}, 0, 0, 0);
END;
""",
    f"""
CREATE TRIGGER arrears_balance_allocations_inserted AFTER INSERT ON arrears_allocation BEGIN
    UPDATE arrears_chargebalance SET
        paid_fen = paid_fen + {_NEW_FEN},
        paid_fen_days = paid_fen_days + {_NEW_FEN} * {_SQLITE_DAY.format("NEW.applied_on")},
        first_paid_on = CASE WHEN first_paid_on IS NULL OR NEW.applied_on < first_paid_on
                             THEN NEW.applied_on ELSE first_paid_on END,
        last_paid_on = CASE WHEN last_paid_on IS NULL OR NEW.applied_on > last_paid_on
                            THEN NEW.applied_on ELSE last_paid_on END,
        irregular = (irregular OR NEW.amount < 0 OR paid_fen + {_NEW_FEN} > amount_fen)
    WHERE charge_id = NEW.charge_id;
END;
""",
    f"""
CREATE TRIGGER arrears_balance_allocations_updated AFTER UPDATE ON arrears_allocation BEGIN
    {_sqlite_recompute("OLD.charge_id")}
    {_sqlite_recompute("NEW.charge_id")}
END;
""",
    f"""
CREATE TRIGGER arrears_balance_allocations_deleted AFTER DELETE ON arrears_allocation BEGIN
    {_sqlite_recompute("OLD.charge_id")}
END;
""",
    f"""
CREATE TRIGGER arrears_balance_charges_updated AFTER UPDATE ON arrears_charge BEGIN
    {_sqlite_recompute("NEW.id")}
END;
""",
]

SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS arrears_balance_charges_inserted",
    "DROP TRIGGER IF EXISTS arrears_balance_charges_updated",
    "DROP TRIGGER IF EXISTS arrears_balance_allocations_inserted",
    "DROP TRIGGER IF EXISTS arrears_balance_allocations_updated",
    "DROP TRIGGER IF EXISTS arrears_balance_allocations_deleted",
]


# The triggers every insert fires; a bulk load that holds them off fills the balances with fill_sql(…, given=True).
INSERT_TRIGGERS = (
    ("arrears_charge", "arrears_balance_charges_inserted"),
    ("arrears_allocation", "arrears_balance_allocations_inserted"),
)


def fill_sql(vendor: str, *, given: bool = False) -> str:
    """The balances of every charge already in the ledger, from its allocations (the migration's data step); with
    ``given``, of the charges whose ids are the query's one parameter (PostgreSQL: an array, joined as a table
    rather than ``= ANY``, which at 240,000 ids costs more than the insert)."""
    day = "(a.applied_on - DATE '1970-01-01')" if vendor == "postgresql" else _SQLITE_DAY.format("a.applied_on")
    negative = "COALESCE(bool_or(a.amount < 0), FALSE)" if vendor == "postgresql" else "COALESCE(MAX(a.amount < 0), 0)"
    return f"""
INSERT INTO arrears_chargebalance
    (charge_id, household_id, due_date, amount_fen, paid_fen, paid_fen_days, first_paid_on, last_paid_on, irregular)
SELECT c.id, c.household_id, c.due_date, {FEN.format("c.amount")},
       COALESCE(SUM({FEN.format("a.amount")}), 0), COALESCE(SUM({FEN.format("a.amount")} * {day}), 0),
       MIN(a.applied_on), MAX(a.applied_on),
       {negative} OR COALESCE(SUM({FEN.format("a.amount")}), 0) > {FEN.format("c.amount")}
FROM {"unnest(%s::bigint[]) AS given(id) JOIN arrears_charge c ON c.id = given.id" if given else "arrears_charge c"}
LEFT JOIN arrears_allocation a ON a.charge_id = c.id
GROUP BY c.id, c.household_id, c.due_date, c.amount
ORDER BY c.id
"""


def install(apps, schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    statements = POSTGRESQL if vendor == "postgresql" else SQLITE
    schema_editor.execute(fill_sql(vendor))
    for statement in statements:
        schema_editor.execute(statement)


def uninstall(apps, schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    for statement in POSTGRESQL_DROP if vendor == "postgresql" else SQLITE_DROP:
        schema_editor.execute(statement)
