"""The scripts and answers for every logged-in employee; the edit pages for managers.

Login is required by the middleware; every page reads through the two ``*_visible_to`` scopes below.
"""

import re
from collections import defaultdict
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from core.roles import MANAGER, has_role

from .choices import ObjectionCategory
from .forms import FaqAnswerForm, ScriptEntryForm
from .models import FaqAnswer, PhoneStage, ScriptEntry, ScriptKind, search_terms
from .services import faq_answer_update, script_entry_update

SEARCH_LIMIT = 30
EXCERPT_CONTEXT = 30

CATEGORY_ORDER = {value: i for i, value in enumerate(ObjectionCategory.values)}
STAGE_ORDER = {value: i for i, value in enumerate(PhoneStage.values)}


def can_edit_scripts(user) -> bool:
    """Managers edit the scripts and answers; everyone else only reads them."""
    return has_role(user, MANAGER)


def faqs_visible_to(user) -> QuerySet[FaqAnswer]:
    """Published answers for everyone; managers also see the unpublished ones."""
    answers = FaqAnswer.objects.all()
    return answers if can_edit_scripts(user) else answers.published()


def script_entries_visible_to(user) -> QuerySet[ScriptEntry]:
    """Published script entries for everyone; managers also see the unpublished ones."""
    entries = ScriptEntry.objects.all()
    return entries if can_edit_scripts(user) else entries.published()


def _reading_order(entry: ScriptEntry) -> tuple:
    return (entry.kind, STAGE_ORDER.get(entry.stage, -1), entry.order, entry.pk)


def _grouped(items, key) -> list[tuple[str, list]]:
    """``items`` grouped by ``key`` as (key, members) pairs, groups in order of first appearance."""
    groups: dict[str, list] = defaultdict(list)
    for item in items:
        groups[key(item)].append(item)
    return list(groups.items())


def scripts_home(request):
    """The answers by objection category and the scripts by kind, stage and section, with a search box."""
    answers = sorted(faqs_visible_to(request.user), key=lambda a: (CATEGORY_ORDER[a.category], a.order, a.pk))
    entries = sorted(script_entries_visible_to(request.user), key=_reading_order)
    by_kind = defaultdict(list)
    for entry in entries:
        by_kind[entry.kind].append(entry)
    stages = dict(PhoneStage.choices)
    context = {
        "answers": answers,
        "phone_stages": [
            (stages[stage], members) for stage, members in _grouped(by_kind[ScriptKind.PHONE], lambda e: e.stage)
        ],
        "methods": by_kind[ScriptKind.METHOD],
        "norm_sections": _grouped(by_kind[ScriptKind.NORM], lambda e: e.section),
        "can_edit": can_edit_scripts(request.user),
        "q": "",
    }
    return render(request, "scripts_faq/home.html", context)


@dataclass(frozen=True)
class SearchHit:
    """One search result: where it links, its title and an excerpt, both split into (text, matched) parts."""

    url_name: str
    pk: int
    label: str
    title: list[tuple[str, bool]]
    excerpt: list[tuple[str, bool]]
    published: bool


def _pattern(terms: list[str]) -> re.Pattern:
    return re.compile("|".join(re.escape(term) for term in terms), re.IGNORECASE)


def _marked(text: str, pattern: re.Pattern) -> list[tuple[str, bool]]:
    """``text`` split into parts, each flagged when it is a search term."""
    parts, start = [], 0
    for match in pattern.finditer(text):
        if match.start() > start:
            parts.append((text[start : match.start()], False))
        parts.append((match.group(), True))
        start = match.end()
    if start < len(text):
        parts.append((text[start:], False))
    return parts


def _excerpt(texts: list[str], pattern: re.Pattern) -> list[tuple[str, bool]]:
    """A short window around the first match in the first of ``texts`` that matches (or the start of the first)."""
    flat = [" ".join(text.split()) for text in texts]
    for text in flat:
        match = pattern.search(text)
        if match:
            start = max(0, match.start() - EXCERPT_CONTEXT)
            end = min(len(text), match.end() + EXCERPT_CONTEXT * 2)
            window = ("…" if start else "") + text[start:end] + ("…" if end < len(text) else "")
            return _marked(window, pattern)
    first = flat[0] if flat else ""
    limit = EXCERPT_CONTEXT * 3
    return [(first[:limit] + ("…" if len(first) > limit else ""), False)]


def _search(user, query: str) -> list[SearchHit]:
    terms = search_terms(query)
    if not terms:
        return []
    pattern = _pattern(terms)
    answers = faqs_visible_to(user).search(terms)[:SEARCH_LIMIT]
    entries = script_entries_visible_to(user).search(terms)[:SEARCH_LIMIT]
    hits = [
        SearchHit(
            url_name="faq_detail",
            pk=answer.pk,
            label=answer.get_category_display(),
            title=_marked(answer.question, pattern),
            excerpt=_excerpt([answer.body, answer.tips, answer.legal_refs], pattern),
            published=answer.published,
        )
        for answer in sorted(answers, key=lambda a: (CATEGORY_ORDER[a.category], a.order, a.pk))
    ]
    for entry in sorted(entries, key=_reading_order):
        label = entry.get_kind_display()
        if entry.stage:
            label = f"{label} · {entry.get_stage_display()}"
        hits.append(
            SearchHit(
                url_name="script_detail",
                pk=entry.pk,
                label=label,
                title=_marked(entry.title, pattern),
                excerpt=_excerpt([entry.body, entry.section], pattern),
                published=entry.published,
            )
        )
    return hits


def scripts_search(request):
    """Search the answers and scripts (``?q=``); htmx gets the results fragment only."""
    query = request.GET.get("q", "").strip()[:200]
    context = {"q": query, "hits": _search(request.user, query), "can_edit": can_edit_scripts(request.user)}
    htmx = getattr(request, "htmx", None)
    if htmx and not htmx.history_restore_request:
        return render(request, "scripts_faq/_search_results.html", context)
    return render(request, "scripts_faq/search.html", context)


def faq_detail(request, pk: int):
    """One answer: the tips first (to read during a call), then the full answer and its legal references."""
    visible = faqs_visible_to(request.user)
    answer = get_object_or_404(visible.select_related("updated_by"), pk=pk)
    siblings = visible.filter(category=answer.category).exclude(pk=answer.pk).order_by("order", "id")
    return render(
        request,
        "scripts_faq/faq_detail.html",
        {"answer": answer, "siblings": list(siblings), "can_edit": can_edit_scripts(request.user)},
    )


def script_detail(request, pk: int):
    """One script entry, with links to the previous and next entry of the same kind."""
    visible = script_entries_visible_to(request.user)
    entry = get_object_or_404(visible.select_related("updated_by"), pk=pk)
    siblings = visible.filter(kind=entry.kind).only("id", "kind", "stage", "order", "title")
    same_kind = sorted(siblings, key=_reading_order)
    index = next(i for i, other in enumerate(same_kind) if other.pk == entry.pk)
    return render(
        request,
        "scripts_faq/script_detail.html",
        {
            "entry": entry,
            "previous": same_kind[index - 1] if index > 0 else None,
            "next": same_kind[index + 1] if index + 1 < len(same_kind) else None,
            "position": index + 1,
            "count": len(same_kind),
            "can_edit": can_edit_scripts(request.user),
        },
    )


def _require_editor(user) -> None:
    if not can_edit_scripts(user):
        raise PermissionDenied


def faq_edit(request, pk: int):
    """A manager edits an answer."""
    _require_editor(request.user)
    answer = get_object_or_404(FaqAnswer, pk=pk)
    form = FaqAnswerForm(request.POST or None, instance=answer)
    if request.method == "POST" and form.is_valid():
        try:
            faq_answer_update(answer=answer, editor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("答疑已保存。"))
            return redirect("faq_detail", pk=answer.pk)
    return render(
        request,
        "scripts_faq/edit.html",
        {"form": form, "object": answer, "heading": _("编辑答疑"), "cancel_url_name": "faq_detail"},
    )


def script_edit(request, pk: int):
    """A manager edits a script entry."""
    _require_editor(request.user)
    entry = get_object_or_404(ScriptEntry, pk=pk)
    form = ScriptEntryForm(request.POST or None, instance=entry)
    if request.method == "POST" and form.is_valid():
        try:
            script_entry_update(entry=entry, editor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("话术已保存。"))
            return redirect("script_detail", pk=entry.pk)
    return render(
        request,
        "scripts_faq/edit.html",
        {"form": form, "object": entry, "heading": _("编辑话术"), "cancel_url_name": "script_detail"},
    )
