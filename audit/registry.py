"""What the audit trail records: every model whose writes move money or change a rule, in one place.

The models are named by label, not imported: the apps sit above this one (pyproject's import-linter layers), and
django-auditlog needs only the model classes, which the app registry has by the time ``ready()`` runs.

Each entry records who (the request's user, ``audit.middleware``), when, from which address, and the fields before
and after; the object's state is kept with it (``serialize_data``), so a deleted pin or override still shows what
it was and which household it was on. Writes that bypass model signals (COPY, ``update()``) are recorded by their
callers as one entry per operation: the ledger import as a ``BulkOperation`` with the file's hash and the counts,
the daily split as its ``SplitRun`` with the split's figures.
"""

from auditlog.registry import auditlog
from django.apps import apps

# label -> options for auditlog.register (besides serialize_data, always on).
AUDITED: dict[str, dict] = {
    # The ledger: payments recorded, verified (receipt number), rejected; reversals; day close and reopen.
    "arrears.Payment": {},
    "arrears.PaymentReversal": {},
    "arrears.DayClose": {},
    "arrears.DayReopen": {},
    # Rules: a community's late-fee policy and letter contact lines, household overrides, waivers, the legal track.
    "arrears.Community": {},
    "arrears.LateFeeOverride": {},
    "arrears.LateFeeWaiver": {},
    "arrears.LegalTrackChange": {},
    "arrears.Household": {},
    "arrears.Owner": {},
    # Letters' wording.
    "notices.NoticeWording": {},
    # The split's inputs: campaigns and their communities, membership and weights, leave, pins; and each run.
    "assignments.Campaign": {"m2m_fields": {"communities"}},
    "assignments.CampaignMember": {},
    "assignments.Staff": {},
    "assignments.StaffLeave": {},
    "assignments.Pin": {},
    "assignments.SplitRun": {},
    # Statement lines acted on (a match confirmed, a line registered as a payment).
    "finance.StatementLineAction": {},
    # Logins: roles (groups), active, admin rights; a password set shows as changed, never its hash.
    "auth.User": {
        "include_fields": ["username", "first_name", "last_name", "is_active", "is_staff", "is_superuser", "password"],
        "mask_fields": ["password"],
        "mask_callable": "audit.registry.hidden",
        "m2m_fields": {"groups"},
        "serialize_auditlog_fields_only": True,
    },
    # Bulk writes recorded as one entry each.
    "audit.BulkOperation": {},
}


def hidden(value) -> str:
    """A masked field's value in the trail: that it changed, never what it is."""
    return "******"


def audited_models() -> list:
    return [apps.get_model(label) for label in AUDITED]


def register_audited_models() -> None:
    for label, options in AUDITED.items():
        model = apps.get_model(label)
        if not auditlog.contains(model):
            auditlog.register(model, serialize_data=True, **options)
