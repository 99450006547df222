"""Why a job failed, in Chinese for the page that shows it: never the database's or Python's English message.

The exception itself goes to the log (``logger.exception`` where it is caught); the batch or job row keeps a reason
an operator can act on.
"""

from celery.exceptions import SoftTimeLimitExceeded
from django.db import DataError, IntegrityError, InterfaceError, OperationalError
from django.utils.translation import gettext as _

# Errors worth another try: the database or the broker away for a moment, a full disk being cleared.
TEMPORARY_ERRORS = (OperationalError, InterfaceError, ConnectionError, TimeoutError)


def failure_reason(exc: BaseException) -> str:
    """The Chinese sentence the batch page shows for ``exc``."""
    if isinstance(exc, SoftTimeLimitExceeded):
        reason = _("生成超时,请继续生成(已生成的通知书会保留)")
    elif isinstance(exc, DataError):
        reason = _("数据超出可保存的范围(如金额过大),请核对这些房屋的应收和实收后继续生成")
    elif isinstance(exc, IntegrityError):
        reason = _("与同时进行的另一次生成冲突,请稍后继续生成")
    elif isinstance(exc, TEMPORARY_ERRORS):
        reason = _("数据库或任务队列暂时不可用,请稍后继续生成")
    elif isinstance(exc, OSError):
        reason = _("文件无法写入(磁盘已满或没有权限),请联系系统管理员")
    else:
        reason = _("程序错误(%(kind)s),详情已记入日志,请联系系统管理员") % {"kind": type(exc).__name__}
    return _("生成失败:%(reason)s") % {"reason": reason}
