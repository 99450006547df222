"""Reading the guidance for an objection, and the managers' edits of answers and scripts."""

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .choices import ObjectionCategory
from .models import FaqAnswer, ScriptEntry, lines_of


@dataclass(frozen=True)
class Guidance:
    """What the collector is shown when recording an objection: the answer, short tips and the legal references."""

    category: str
    category_label: str
    answer_title: str
    answer_text: str
    tips: list[str]
    legal_refs: str


def guidance_for(category: str) -> Guidance | None:
    """The first published answer for an objection category, or None for an unknown category or one with no answer."""
    if category not in ObjectionCategory.values:
        return None
    answer = FaqAnswer.objects.published().filter(category=category).order_by("order", "id").first()
    if answer is None:
        return None
    return Guidance(
        category=category,
        category_label=str(ObjectionCategory(category).label),
        answer_title=answer.question,
        answer_text=answer.body,
        tips=answer.tip_list,
        legal_refs=answer.legal_refs,
    )


_TRAILING_SPACE = re.compile(r"[ \t\u3000]+$", re.MULTILINE)
_BLANK_RUNS = re.compile(r"\n{3,}")
_BULLET = re.compile(r"^(?:[-*•·]|☆)\s*")


def clean_body(text: str) -> str:
    """Plain text with Unix line ends, no trailing spaces and at most one blank line between paragraphs."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _TRAILING_SPACE.sub("", text)
    return _BLANK_RUNS.sub("\n\n", text).strip()


def clean_lines(text: str) -> str:
    """A one-item-per-line field with empty lines and leading bullet marks removed."""
    items = (_BULLET.sub("", line).strip() for line in lines_of(text))
    return "\n".join(item for item in items if item)


def _required(value: str, field: str, message: str) -> None:
    if not value:
        raise ValidationError({field: message})


def _save_answer(
    answer: FaqAnswer,
    *,
    editor,
    category: str,
    question: str,
    body: str,
    legal_refs: str,
    tips: str,
    order: int,
    published: bool,
) -> FaqAnswer:
    question = question.strip()
    body = clean_body(body)
    _required(question, "question", _("问题不能为空。"))
    _required(body, "body", _("答复内容不能为空。"))
    answer.category = category
    answer.question = question
    answer.body = body
    answer.legal_refs = clean_lines(legal_refs)
    answer.tips = clean_lines(tips)
    answer.order = order
    answer.published = published
    answer.updated_by = editor
    answer.full_clean(exclude=["updated_by"])
    answer.save()
    return answer


@transaction.atomic
def faq_answer_create(
    *,
    editor,
    category: str,
    question: str,
    body: str,
    legal_refs: str = "",
    tips: str = "",
    order: int = 0,
    published: bool = True,
) -> FaqAnswer:
    """Add an answer; the question and the answer may not be empty."""
    return _save_answer(
        FaqAnswer(),
        editor=editor,
        category=category,
        question=question,
        body=body,
        legal_refs=legal_refs,
        tips=tips,
        order=order,
        published=published,
    )


@transaction.atomic
def faq_answer_update(
    *,
    answer: FaqAnswer,
    editor,
    category: str,
    question: str,
    body: str,
    legal_refs: str = "",
    tips: str = "",
    order: int = 0,
    published: bool = True,
) -> FaqAnswer:
    """Save a manager's edit of an answer; the question and the answer may not be empty."""
    return _save_answer(
        answer,
        editor=editor,
        category=category,
        question=question,
        body=body,
        legal_refs=legal_refs,
        tips=tips,
        order=order,
        published=published,
    )


def _save_entry(
    entry: ScriptEntry,
    *,
    editor,
    kind: str,
    title: str,
    body: str,
    stage: str,
    section: str,
    order: int,
    published: bool,
) -> ScriptEntry:
    title = title.strip()
    body = clean_body(body)
    _required(title, "title", _("标题不能为空。"))
    _required(body, "body", _("正文不能为空。"))
    entry.kind = kind
    entry.stage = stage
    entry.section = section.strip()
    entry.title = title
    entry.body = body
    entry.order = order
    entry.published = published
    entry.updated_by = editor
    entry.full_clean(exclude=["updated_by"])
    entry.save()
    return entry


@transaction.atomic
def script_entry_create(
    *,
    editor,
    kind: str,
    title: str,
    body: str,
    stage: str = "",
    section: str = "",
    order: int = 0,
    published: bool = True,
) -> ScriptEntry:
    """Add a script entry; the title and the text may not be empty."""
    return _save_entry(
        ScriptEntry(),
        editor=editor,
        kind=kind,
        title=title,
        body=body,
        stage=stage,
        section=section,
        order=order,
        published=published,
    )


@transaction.atomic
def script_entry_update(
    *,
    entry: ScriptEntry,
    editor,
    kind: str,
    title: str,
    body: str,
    stage: str = "",
    section: str = "",
    order: int = 0,
    published: bool = True,
) -> ScriptEntry:
    """Save a manager's edit of a script entry; the title and the text may not be empty."""
    return _save_entry(
        entry,
        editor=editor,
        kind=kind,
        title=title,
        body=body,
        stage=stage,
        section=section,
        order=order,
        published=published,
    )
