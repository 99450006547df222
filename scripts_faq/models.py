"""The collectors' reference texts: scripts (language norms, visit methods, phone guide) and answers to objections.

Bodies are plain text, paragraphs separated by a blank line; templates render them with ``linebreaks``.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .choices import ObjectionCategory


class ScriptKind(models.TextChoices):
    NORM = "norm", _("语言规范")
    METHOD = "method", _("上门方式方法")
    PHONE = "phone", _("电话催费指南")


class PhoneStage(models.TextChoices):
    PREPARE = "prepare", _("准备")
    INTRODUCE = "introduce", _("自我介绍")
    OPENING = "opening", _("切入")
    CONVERSATION = "conversation", _("沟通")
    CLOSING = "closing", _("结束")


def lines_of(text: str) -> list[str]:
    """The non-empty lines of a one-item-per-line text field, stripped."""
    return [line.strip() for line in text.splitlines() if line.strip()]


def search_terms(query: str) -> list[str]:
    """The words of a search box, at most five, each at most 50 characters."""
    return [word[:50] for word in query.split()][:5]


class ScriptQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published=True)

    def search(self, terms: list[str]):
        """Entries whose title, section or text contains every term."""
        queryset = self
        for term in terms:
            queryset = queryset.filter(Q(title__icontains=term) | Q(section__icontains=term) | Q(body__icontains=term))
        return queryset


class ScriptEntry(models.Model):
    """One passage of the scripts: a language norm, a visit method or a step of the phone guide."""

    kind = models.CharField(_("类别"), max_length=16, choices=ScriptKind.choices)
    stage = models.CharField(
        _("通话阶段"),
        max_length=16,
        choices=PhoneStage.choices,
        blank=True,
        help_text=_("仅电话催费指南填写。"),
    )
    section = models.CharField(_("小节"), max_length=100, blank=True, help_text=_("如“语言使用准则”“礼貌用语”。"))
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("正文"), help_text=_("纯文本,段落之间空一行。"))
    order = models.PositiveIntegerField(_("排序"), default=0)
    published = models.BooleanField(_("已发布"), default=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("更新人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = ScriptQuerySet.as_manager()

    class Meta:
        verbose_name = _("话术规范")
        verbose_name_plural = _("话术规范")
        ordering = ("kind", "order", "id")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind="phone", stage__gt="") | (~models.Q(kind="phone") & models.Q(stage="")),
                name="scripts_entry_stage_only_for_phone",
                violation_error_message=_("电话催费指南须选择通话阶段;语言规范和上门方式方法不填阶段。"),
            ),
        ]

    def __str__(self) -> str:
        return self.title


class FaqQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published=True)

    def search(self, terms: list[str]):
        """Answers whose category name, question, answer, tips or legal references contain every term."""
        queryset = self
        for term in terms:
            categories = [value for value, label in ObjectionCategory.choices if term.lower() in str(label).lower()]
            queryset = queryset.filter(
                Q(category__in=categories)
                | Q(question__icontains=term)
                | Q(body__icontains=term)
                | Q(tips__icontains=term)
                | Q(legal_refs__icontains=term)
            )
        return queryset


class FaqAnswer(models.Model):
    """An answer to an owner's objection, with the legal references and short tips for the collector."""

    category = models.CharField(_("拒缴理由"), max_length=32, choices=ObjectionCategory.choices)
    question = models.CharField(_("问题"), max_length=300)
    body = models.TextField(_("答复"), help_text=_("纯文本,段落之间空一行。"))
    legal_refs = models.TextField(_("法律依据"), blank=True, help_text=_("每行一条,如《民法典》第九百四十四条。"))
    tips = models.TextField(_("话术要点"), blank=True, help_text=_("给收费员的简短提示,每行一条。"))
    order = models.PositiveIntegerField(_("排序"), default=0)
    published = models.BooleanField(_("已发布"), default=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("更新人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = FaqQuerySet.as_manager()

    class Meta:
        verbose_name = _("常见问题答疑")
        verbose_name_plural = _("常见问题答疑")
        ordering = ("order", "id")

    def __str__(self) -> str:
        return self.question

    @property
    def tip_list(self) -> list[str]:
        return lines_of(self.tips)

    @property
    def legal_ref_list(self) -> list[str]:
        return lines_of(self.legal_refs)
