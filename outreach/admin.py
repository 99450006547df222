from django.contrib import admin

from .models import OutreachSettings, OwnerLink, SmsBatch, SmsMessage, SmsOptOut, SmsTemplate


@admin.register(SmsTemplate)
class SmsTemplateAdmin(admin.ModelAdmin):
    list_display = ("community", "level", "vendor_code", "enabled", "updated_at")
    list_filter = ("level", "enabled")


@admin.register(SmsBatch)
class SmsBatchAdmin(admin.ModelAdmin):
    list_display = ("pk", "community", "level", "status", "total", "sent", "failed", "skipped", "created_at")
    list_filter = ("status", "level")
    readonly_fields = ("household_ids", "criteria")


@admin.register(SmsMessage)
class SmsMessageAdmin(admin.ModelAdmin):
    list_display = ("pk", "household", "level", "status", "skip_reason", "attempts", "sent_at")
    list_filter = ("status", "level", "skip_reason")
    raw_id_fields = ("batch", "household", "promise", "contact")


@admin.register(SmsOptOut)
class SmsOptOutAdmin(admin.ModelAdmin):
    list_display = ("phone", "source", "created_at")
    search_fields = ("phone",)


@admin.register(OwnerLink)
class OwnerLinkAdmin(admin.ModelAdmin):
    list_display = ("household", "created_at", "expires_at", "revoked_at", "last_seen_at")
    raw_id_fields = ("household", "owner")
    exclude = ("key",)  # the key is half of a working link: not shown


admin.site.register(OutreachSettings)
