"""Run the SMS's periodic work by hand (what Celery beat runs): due batches, promise reminders, vendor reports."""

from django.core.management.base import BaseCommand

from outreach import clock
from outreach.models import SmsBatch
from outreach.quiet_hours import in_quiet_hours
from outreach.services.batches import sms_batches_dispatch
from outreach.services.optouts import sms_reports_pull
from outreach.services.reminders import promise_reminders_send, reminders_resume


class Command(BaseCommand):
    help = "发送到时的短信批次(夜间顺延的、待重试的)、明天承诺的提醒短信,并读取服务商的回执和退订回复。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--reminders", action="store_true", help="也发送明天到期承诺的提醒短信(平时由 09:00 的定时任务发送)"
        )
        parser.add_argument("--reports", action="store_true", help="也读取服务商的送达回执和退订回复")

    def handle(self, *args, **options):
        # Without a broker (CELERY_BROKER_URL unset) each batch's job runs here, in this process.
        for batch_id in sms_batches_dispatch():
            batch = SmsBatch.objects.get(pk=batch_id)
            self.stdout.write(f"批次 #{batch.pk}:{batch.get_status_display()},已发送 {batch.sent}")
        if not in_quiet_hours(clock.now()):
            resumed = reminders_resume()
            if resumed:
                self.stdout.write(f"续发提醒:{resumed.sent}")
        if options["reminders"]:
            run = promise_reminders_send()
            self.stdout.write(f"承诺提醒:已发送 {run.sent},失败 {run.failed}")
        if options["reports"]:
            self.stdout.write(str(sms_reports_pull()))
