"""The audit trail as a table: on the page (paginated) and in its .xlsx export (every filtered row)."""

import django_tables2 as tables
from auditlog.models import LogEntry
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from .changes import as_text, describe, record_kind

ACTION_LABELS = {
    LogEntry.Action.CREATE: _("新建"),
    LogEntry.Action.UPDATE: _("修改"),
    LogEntry.Action.DELETE: _("删除"),
    LogEntry.Action.ACCESS: _("查看"),
}
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def plain_text(value: str) -> str:
    """Text a spreadsheet must not take for a formula (it starts with = + - @, a tab or CR): quoted."""
    return "'" + value if value.startswith(_FORMULA_START) else value


class TrailTable(tables.Table):
    """Who changed what, when and from where, with the fields before and after."""

    timestamp = tables.Column(_("时间"))
    actor = tables.Column(_("操作人"), empty_values=(), orderable=False)
    remote_addr = tables.Column(_("地址"), orderable=False)
    kind = tables.Column(_("记录类型"), accessor="content_type", orderable=False)
    object_repr = tables.Column(_("对象"), orderable=False)
    action = tables.Column(_("动作"), orderable=False)
    changes = tables.Column(_("变更(修改前 → 修改后)"), empty_values=(), orderable=False)

    class Meta:
        model = LogEntry
        fields = ()
        sequence = ("timestamp", "actor", "remote_addr", "kind", "object_repr", "action", "changes")
        order_by = ("-timestamp",)
        order_by_field = "sort"
        template_name = "table.html"
        attrs = {"class": "table stack audit-trail"}
        empty_text = _("没有审计记录")

    def _changes_of(self, record):
        cache = getattr(self, "_described", None)
        if cache is None or record.pk not in cache:
            page = getattr(self, "page", None)
            rows = [row.record for row in page.object_list] if page is not None else list(self.data)
            cache = self._described = describe(rows if any(r.pk == record.pk for r in rows) else [record])
        return cache.get(record.pk, [])

    def render_timestamp(self, value):
        return f"{timezone.localtime(value):%Y-%m-%d %H:%M:%S}"

    def value_timestamp(self, value):
        return self.render_timestamp(value)

    def render_actor(self, record):
        if record.actor is None:
            return _("系统")
        name = getattr(getattr(record.actor, "staff", None), "name", "") or record.actor.first_name
        return f"{record.actor.get_username()}({name})" if name else record.actor.get_username()

    def render_kind(self, record):
        return record_kind(record)

    def render_action(self, value):
        return ACTION_LABELS.get(value, value)

    def render_changes(self, record):
        changes = self._changes_of(record)
        if not changes:
            return "—"
        return format_html(
            "<ul class='changes'>{}</ul>",
            format_html_join("", "<li><b>{}</b>: {} → {}</li>", ((c.field, c.before, c.after) for c in changes)),
        )

    def value_object_repr(self, value):
        return plain_text(str(value))

    def value_changes(self, record):
        return plain_text(as_text(self._changes_of(record)))

    def value_actor(self, record):
        return plain_text(str(self.render_actor(record)))
