"""The import's outcome as lines of text, for the command line."""

from django.utils.translation import gettext as _

from arrears.importer.result import ImportResult


def summary_lines(result: ImportResult) -> list[str]:
    """Counts per sheet and what was allocated; or the bad cells, one a line."""
    if not result.ok:
        lines = [_("发现 %(count)d 处错误,未写入任何数据:") % {"count": result.error_count}]
        lines.append("\t".join([_("工作表"), _("行"), _("列"), _("原因")]))
        lines += [f"{e.sheet}\t{e.row or ''}\t{e.column}\t{e.reason}" for e in result.errors]
        if result.unreported_error_count:
            lines.append(_("……另有 %(count)d 处错误未列出") % {"count": result.unreported_error_count})
        return lines
    lines = [
        _("%(sheet)s:新增 %(created)d,更新 %(updated)d,未变 %(unchanged)d") % {"sheet": sheet, **vars(counts)}
        for sheet, counts in result.counts.items()
    ]
    lines.append(
        _("核销 %(count)d 笔,金额 %(allocated)s;相关收款中未核销的预收余额 %(credit)s")
        % {"count": result.allocation_count, "allocated": result.allocated, "credit": result.credit_left}
    )
    for change in result.role_changes:
        lines.append(
            _("角色变化:%(login)s %(name)s,%(before)s → %(after)s")
            % {
                "login": change.login,
                "name": change.name,
                "before": "、".join(change.before) or _("(新员工)"),
                "after": "、".join(change.after),
            }
        )
    if result.ignored_sheets:
        lines.append(_("已忽略的工作表:%(names)s") % {"names": "、".join(result.ignored_sheets)})
    lines.append(_("试运行:未写入任何数据。") if result.dry_run else _("导入完成。"))
    return lines
