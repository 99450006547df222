"""A file from another system as the import job runs it (imports.jobs): convert with the upload's column mapping
and the community's due-date rule, then check or import the template rows through the one ledger import."""

from dataclasses import asdict

from django.utils.translation import gettext as _

from arrears.importer.result import ImportResult
from arrears.importer.state import Progress, ProgressCallback
from arrears.models import Community

from ..models import DueDateRule, SourceSettings
from .convert import Conversion, conversion_import, settings_of
from .forms import Source
from .freeform import Layout, freeform_convert, freeform_layout
from .hc import hc_convert
from .report import skipped_summary
from .settings import source_settings_update
from .sheet import SourceError
from .uploads import SourceUpload


def upload_mapping(stored: SourceUpload, layout: Layout, community: Community) -> dict[int, str]:
    """The upload's mapping as last chosen, else the community's saved one, else as recognised."""
    if stored.mapping is not None:
        return stored.mapping
    saved = SourceSettings.objects.filter(community=community).values_list("column_mapping", flat=True).first()
    return layout.initial(saved or {})


def mapping_save(*, stored: SourceUpload, layout: Layout, mapping: dict[int, str], community, user) -> None:
    """The mapping for this upload, and by header for the community's next file."""
    stored.set_mapping(mapping)
    by_header = {column.key: mapping.get(column.index, "") for column in layout.columns}
    source_settings_update(community=community, user=user, column_mapping=by_header)


def rules_of(community: Community) -> list:
    """The community's due-date rule as the job records it: a preview made under another rule is out of date."""
    settings = settings_of(community)
    if settings is None:
        return [DueDateRule.PERIOD_START.value, 0]
    return [settings.due_date_rule, settings.due_days_after]


def conversion_report(conversion: Conversion) -> dict:
    """What the converter recognised and skipped, JSON-safe for the job's status."""
    return {
        "read_rows": conversion.read_rows,
        "recognised": [[str(column), str(meaning)] for column, meaning in conversion.recognised],
        "skipped": [
            {name: str(value) if name != "count" else value for name, value in asdict(line).items()}
            for line in skipped_summary(conversion.skipped)
        ],
        "notes": [str(note) for note in conversion.notes],
    }


def source_run(*, stored: SourceUpload, dry_run: bool, user, progress: ProgressCallback) -> tuple[ImportResult, dict]:
    """Convert and check (``dry_run``) or import the stored file; returns the result and, for the page, the
    conversion's report and the due-date rule it used. A write also keeps the mapping for the community."""
    meta = stored.meta
    community = Community.objects.filter(pk=meta.get("community")).first()
    if community is None:
        result = ImportResult(dry_run=dry_run)
        result.add_error(sheet="", row=0, column="", reason=_("该小区已不存在,请重新上传。"))
        return result, {}
    rules = rules_of(community)

    def converted(seen: int, total: int) -> None:
        progress(Progress(phase="converting"), rows_converted=seen, rows_to_convert=total)

    converted(0, 0)
    layout = None
    if meta["source"] == Source.HC:
        conversion = hc_convert(path=stored.path, community=community, channel=meta["channel"], on_rows=converted)
    else:
        try:
            layout = freeform_layout(stored.path)
        except SourceError:
            layout = None  # the conversion reports it
        conversion = freeform_convert(
            path=stored.path,
            community=community,
            mapping=upload_mapping(stored, layout, community) if layout else {},
            fee_item=meta["fee_item"] or "物业费",
            channel=meta["channel"],
            on_rows=converted,
            layout=layout,
        )
    result = conversion_import(conversion=conversion, dry_run=dry_run, user=user, progress=progress)
    if result.written and layout is not None:
        mapping_save(
            stored=stored,
            layout=layout,
            mapping=upload_mapping(stored, layout, community),
            community=community,
            user=user,
        )
    return result, {"conversion": conversion_report(conversion), "rules": rules}
