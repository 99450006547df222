"""Independent reads side by side, so that a database with more than one core works on them at once.

A PostgreSQL statement runs on one core (unless the planner chooses a parallel plan, which the ledger's grouped sums
rarely get). A page or a job that needs several large, independent reads (the dashboard's snapshot, say) can hand
them to :func:`side_by_side`: each runs in a thread of its own, on a connection of its own, and the database serves
them on separate cores. Python's share of the work still takes turns (the GIL); the waiting on the database does not.
"""

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from django.db import connection, connections


def concurrent() -> bool:
    """Whether :func:`side_by_side` would run its reads at once here.

    Only on PostgreSQL, and only outside a transaction: another connection cannot see the rows a transaction has not
    committed (a test's, or a request's that wrote first), so inside one the reads run on this connection, in turn.
    SQLite allows one writer and gains nothing from a second reader of the same file.
    """
    return connection.vendor == "postgresql" and not connection.in_atomic_block


def side_by_side(*calls: Callable[[], object]) -> list:
    """The results of the zero-argument ``calls``, in their order; at once when :func:`concurrent`, else in turn.

    An exception in one call is raised here once the others have finished. Each thread closes the connections it
    opened, so none is left behind in a pool of a long-lived process (a Celery worker).
    """
    if len(calls) < 2 or not concurrent():
        return [call() for call in calls]

    def run(call):
        try:
            return call()
        finally:
            connections.close_all()  # this thread's own connections (Django keeps them per thread)

    with ThreadPoolExecutor(max_workers=len(calls), thread_name_prefix="lane") as pool:
        futures = [pool.submit(run, call) for call in calls]
        return [future.result() for future in futures]
