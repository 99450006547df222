"""The scripts and answers: the seeded content, guidance_for, the edit services, search and the pages' access."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from core.roles import ALL_ROLES, MANAGER, STAFF
from scripts_faq.choices import ObjectionCategory
from scripts_faq.models import FaqAnswer, PhoneStage, ScriptEntry, ScriptKind
from scripts_faq.services import (
    Guidance,
    faq_answer_create,
    faq_answer_update,
    guidance_for,
    script_entry_create,
    script_entry_update,
)

pytestmark = pytest.mark.django_db


def answer_for(category: str) -> FaqAnswer:
    return FaqAnswer.objects.filter(category=category).order_by("order", "id").first()


def answer_fields(answer: FaqAnswer, **changes) -> dict:
    fields = {
        name: getattr(answer, name)
        for name in ("category", "question", "body", "legal_refs", "tips", "order", "published")
    }
    return fields | changes


def entry_fields(entry: ScriptEntry, **changes) -> dict:
    names = ("kind", "stage", "section", "title", "body", "order", "published")
    fields = {name: getattr(entry, name) for name in names}
    return fields | changes


# The content loaded by the data migration


def test_construction_defect_answer_separates_the_developer_from_the_property_company():
    answer = answer_for(ObjectionCategory.CONSTRUCTION_DEFECT)
    assert "商品房买卖合同" in answer.body
    assert "物业管理条例" in answer.legal_refs
    assert "独立法人" in answer.body


def test_no_reason_answer_quotes_civil_code_article_944():
    answer = answer_for(ObjectionCategory.NO_REASON)
    assert "第九百四十四条" in answer.body
    assert "《物业管理条例》第四十一条" in answer.legal_refs
    assert "《民法典》第九百四十四条" in answer.legal_refs


def test_vacant_answer_cites_the_1864_measures():
    answer = answer_for(ObjectionCategory.VACANT)
    assert "1864" in answer.body
    assert "1864" in answer.legal_refs
    assert "物业服务收费管理办法" in answer.legal_refs


def test_service_quality_answer_has_the_typo_fixed():
    answer = answer_for(ObjectionCategory.SERVICE_QUALITY)
    assert "服务态度" in answer.question
    assert "服务态不" not in answer.question
    assert "瑕疵" in answer.body


@pytest.mark.parametrize("category", ObjectionCategory.values)
def test_every_category_has_a_published_answer_with_tips(category):
    answer = FaqAnswer.objects.published().filter(category=category).first()
    assert answer is not None
    assert answer.body.strip()
    assert len(answer.tip_list) >= 3


def test_the_seeded_content_never_suggests_cutting_water_or_electricity():
    """民法典 944 forbids it; the only mentions of cutting supply are the prohibition itself."""
    texts = [f"{a.body}\n{a.tips}" for a in FaqAnswer.objects.all()]
    texts += [e.body for e in ScriptEntry.objects.all()]
    for text in texts:
        for word in ("停止供电", "停止供水", "断水", "断电", "停水停电催"):
            for line in text.splitlines():
                if word in line:
                    assert "不得" in line or "不能" in line, line


def test_the_phone_guide_has_all_five_stages_in_order():
    stages = set(ScriptEntry.objects.filter(kind=ScriptKind.PHONE).values_list("stage", flat=True))
    assert stages == set(PhoneStage.values)
    conversation = ScriptEntry.objects.filter(kind=ScriptKind.PHONE, stage=PhoneStage.CONVERSATION)
    titles = " ".join(conversation.values_list("title", flat=True))
    for marker in ("2-A", "2-B", "2-C", "2-D", "2-E"):
        assert marker in titles


def test_the_twelve_visit_methods_and_the_language_norms_are_loaded():
    assert ScriptEntry.objects.filter(kind=ScriptKind.METHOD).count() == 12
    norms = ScriptEntry.objects.filter(kind=ScriptKind.NORM)
    titles = set(norms.values_list("title", flat=True))
    for title in ("1.1 得体", "1.2 慷慨", "1.3 谦逊", "1.4 赞美", "1.5 一致", "3.8 基本礼貌用语十字"):
        assert title in titles
    assert norms.get(title="3.8 基本礼貌用语十字").body == "您好、请、谢谢、对不起、再见。"
    assert "对不起,让您久等了" in norms.get(title="3.5 道歉语").body
    assert norms.filter(section__startswith="2 语气").count() == 4


def test_only_phone_entries_have_a_stage():
    assert not ScriptEntry.objects.exclude(kind=ScriptKind.PHONE).exclude(stage="").exists()
    assert not ScriptEntry.objects.filter(kind=ScriptKind.PHONE, stage="").exists()


# guidance_for


@pytest.mark.parametrize("category", ObjectionCategory.values)
def test_guidance_for_each_category(category):
    guidance = guidance_for(category)
    assert isinstance(guidance, Guidance)
    assert guidance.category == category
    assert guidance.category_label == ObjectionCategory(category).label
    assert guidance.answer_title
    assert guidance.answer_text
    assert guidance.tips and all(isinstance(tip, str) and tip for tip in guidance.tips)


def test_guidance_for_start_date_carries_the_phone_guides_handling_and_refs():
    guidance = guidance_for(ObjectionCategory.START_DATE)
    assert any("交楼期" in tip for tip in guidance.tips)
    assert "第九百四十四条" in guidance.legal_refs


@pytest.mark.parametrize("category", ["", "unknown", None])
def test_guidance_for_an_unknown_or_empty_category_is_none(category):
    assert guidance_for(category) is None


def test_guidance_for_uses_the_first_published_answer():
    first = answer_for(ObjectionCategory.VACANT)
    earlier = FaqAnswer.objects.create(
        category=ObjectionCategory.VACANT, question="草稿", body="草稿", order=0, published=False
    )
    assert guidance_for(ObjectionCategory.VACANT).answer_title == first.question
    earlier.published = True
    earlier.save()
    assert guidance_for(ObjectionCategory.VACANT).answer_title == "草稿"


def test_guidance_for_a_category_whose_answers_are_all_unpublished_is_none():
    FaqAnswer.objects.filter(category=ObjectionCategory.FACILITIES).update(published=False)
    assert guidance_for(ObjectionCategory.FACILITIES) is None


# The edit services


def test_faq_answer_update_saves_cleaned_text_and_the_editor(user_with_role):
    manager = user_with_role(MANAGER)
    answer = answer_for(ObjectionCategory.THEFT_DAMAGE)
    faq_answer_update(
        answer=answer,
        editor=manager,
        **answer_fields(answer, body="第一段。  \r\n\r\n\r\n\r\n第二段。\r\n", tips="- 要点一\n\n• 要点二\n  \n"),
    )
    answer.refresh_from_db()
    assert answer.body == "第一段。\n\n第二段。"
    assert answer.tip_list == ["要点一", "要点二"]
    assert answer.updated_by == manager


@pytest.mark.parametrize("body", ["", "   \n\n  "])
def test_faq_answer_update_refuses_an_empty_answer(user_with_role, body):
    answer = answer_for(ObjectionCategory.VACANT)
    with pytest.raises(ValidationError) as caught:
        faq_answer_update(answer=answer, editor=user_with_role(MANAGER), **answer_fields(answer, body=body))
    assert caught.value.message_dict["body"] == ["答复内容不能为空。"]
    answer.refresh_from_db()
    assert "1864" in answer.body


def test_faq_answer_update_refuses_an_unknown_category(user_with_role):
    answer = answer_for(ObjectionCategory.VACANT)
    with pytest.raises(ValidationError) as caught:
        faq_answer_update(answer=answer, editor=user_with_role(MANAGER), **answer_fields(answer, category="nope"))
    assert "category" in caught.value.message_dict


def test_faq_answer_create_adds_a_second_answer_to_a_category(user_with_role):
    answer = faq_answer_create(
        editor=user_with_role(MANAGER), category=ObjectionCategory.VACANT, question="房子出租了", body="答复", order=99
    )
    assert FaqAnswer.objects.filter(category=ObjectionCategory.VACANT).count() == 2
    assert guidance_for(ObjectionCategory.VACANT).answer_title != answer.question


def test_script_entry_update_refuses_an_empty_text(user_with_role):
    entry = ScriptEntry.objects.filter(kind=ScriptKind.METHOD).first()
    with pytest.raises(ValidationError) as caught:
        script_entry_update(entry=entry, editor=user_with_role(MANAGER), **entry_fields(entry, body=" "))
    assert caught.value.message_dict["body"] == ["正文不能为空。"]


def test_script_entry_update_needs_a_stage_for_the_phone_guide_only(user_with_role):
    manager = user_with_role(MANAGER)
    entry = ScriptEntry.objects.filter(kind=ScriptKind.METHOD).first()
    with pytest.raises(ValidationError):
        script_entry_update(entry=entry, editor=manager, **entry_fields(entry, stage=PhoneStage.CLOSING))
    with pytest.raises(ValidationError):
        script_entry_create(editor=manager, kind=ScriptKind.PHONE, title="新条目", body="正文")
    created = script_entry_create(
        editor=manager, kind=ScriptKind.PHONE, stage=PhoneStage.CLOSING, title="新条目", body="正文"
    )
    assert created.updated_by == manager


# Pages: access


def page_urls() -> list[str]:
    answer = answer_for(ObjectionCategory.CONSTRUCTION_DEFECT)
    entry = ScriptEntry.objects.filter(kind=ScriptKind.PHONE).first()
    return [
        reverse("scripts_home"),
        reverse("scripts_search") + "?q=开发商",
        reverse("faq_detail", args=[answer.pk]),
        reverse("script_detail", args=[entry.pk]),
    ]


def edit_urls() -> list[str]:
    answer = answer_for(ObjectionCategory.CONSTRUCTION_DEFECT)
    entry = ScriptEntry.objects.filter(kind=ScriptKind.PHONE).first()
    return [reverse("faq_edit", args=[answer.pk]), reverse("script_edit", args=[entry.pk])]


def test_anonymous_users_are_sent_to_the_login_page(client):
    for url in page_urls() + edit_urls():
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("login")), url


@pytest.mark.parametrize("role", ALL_ROLES)
def test_every_role_reads_the_scripts(client, user_with_role, role):
    client.force_login(user_with_role(role))
    for url in page_urls():
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("role", [r for r in ALL_ROLES if r != MANAGER])
def test_only_managers_open_the_edit_pages(client, user_with_role, role):
    client.force_login(user_with_role(role))
    for url in edit_urls():
        assert client.get(url).status_code == 403, url
        assert client.post(url, {"body": "x"}).status_code == 403, url


def test_staff_do_not_see_edit_links(client, user_with_role):
    client.force_login(user_with_role(STAFF))
    content = client.get(page_urls()[2]).content.decode()
    assert "/edit/" not in content


def test_unpublished_answers_are_hidden_from_staff_but_shown_to_managers(client, user_with_role):
    answer = answer_for(ObjectionCategory.FACILITIES)
    answer.published = False
    answer.save()
    url = reverse("faq_detail", args=[answer.pk])
    client.force_login(user_with_role(STAFF))
    assert client.get(url).status_code == 404
    assert answer.question not in client.get(reverse("scripts_home")).content.decode()
    client.force_login(user_with_role(MANAGER))
    assert client.get(url).status_code == 200
    assert answer.question in client.get(reverse("scripts_home")).content.decode()


# Pages: content


def test_home_lists_the_answers_by_category_and_the_phone_guide_by_stage(client, user_with_role):
    client.force_login(user_with_role(STAFF))
    content = client.get(reverse("scripts_home")).content.decode()
    for category in ObjectionCategory:
        assert str(category.label) in content
    for stage in PhoneStage:
        assert str(stage.label) in content
    assert 'id="category-vacant"' in content
    assert 'action="/scripts/search/"' in content


def test_home_runs_a_fixed_number_of_queries(client, user_with_role, django_assert_max_num_queries):
    client.force_login(user_with_role(STAFF))
    with django_assert_max_num_queries(6):
        client.get(reverse("scripts_home"))
    for i in range(10):
        FaqAnswer.objects.create(category=ObjectionCategory.OTHER, question=f"问题{i}", body="答复")
    with django_assert_max_num_queries(6):
        client.get(reverse("scripts_home"))


def test_faq_page_shows_tips_answer_and_legal_references(client, user_with_role):
    client.force_login(user_with_role(STAFF))
    answer = answer_for(ObjectionCategory.NO_REASON)
    content = client.get(reverse("faq_detail", args=[answer.pk])).content.decode()
    assert "话术要点" in content
    assert answer.tip_list[0] in content
    assert "《物业管理条例》第四十一条" in content
    assert "<p>" in content  # the body is rendered with linebreaks


def test_a_body_is_escaped_not_rendered_as_markup(client, user_with_role):
    answer = answer_for(ObjectionCategory.OTHER)
    answer.body = "<script>alert(1)</script>{{ request }}"
    answer.save()
    client.force_login(user_with_role(STAFF))
    content = client.get(reverse("faq_detail", args=[answer.pk])).content.decode()
    assert "<script>alert(1)</script>" not in content
    assert "&lt;script&gt;" in content
    assert "{{ request }}" in content


def test_script_page_links_to_the_next_entry_of_the_same_kind(client, user_with_role):
    client.force_login(user_with_role(STAFF))
    methods = list(ScriptEntry.objects.filter(kind=ScriptKind.METHOD).order_by("order"))
    content = client.get(reverse("script_detail", args=[methods[0].pk])).content.decode()
    assert reverse("script_detail", args=[methods[1].pk]) in content
    assert "第 1 / 12 条" in content


def test_phone_guide_pages_follow_the_stages(client, user_with_role):
    client.force_login(user_with_role(STAFF))
    last_preparation = ScriptEntry.objects.filter(stage=PhoneStage.PREPARE).order_by("-order").first()
    first_introduction = ScriptEntry.objects.filter(stage=PhoneStage.INTRODUCE).order_by("order").first()
    content = client.get(reverse("script_detail", args=[last_preparation.pk])).content.decode()
    assert reverse("script_detail", args=[first_introduction.pk]) in content


# Search


def faq_url(category: str) -> str:
    return reverse("faq_detail", args=[answer_for(category).pk])


def test_search_finds_the_developer_in_answers_and_scripts(client, user_with_role):
    client.force_login(user_with_role(STAFF))
    response = client.get(reverse("scripts_search"), {"q": "开发商"})
    content = response.content.decode()
    assert response.status_code == 200
    assert "<html" in content  # a full page without htmx
    assert faq_url(ObjectionCategory.CONSTRUCTION_DEFECT) in content
    assert faq_url(ObjectionCategory.FACILITIES) in content
    assert faq_url(ObjectionCategory.VACANT) not in content
    assert "2-E 对物业服务有意见" in content
    assert "<mark>开发商</mark>" in content


def test_search_matches_tips_category_names_and_every_term(client, user_with_role):
    client.force_login(user_with_role(STAFF))
    vacant = faq_url(ObjectionCategory.VACANT)
    assert vacant in client.get(reverse("scripts_search"), {"q": "未入住/空置"}).content.decode()  # category name
    assert vacant in client.get(reverse("scripts_search"), {"q": "当场承诺"}).content.decode()  # a tip only
    both = client.get(reverse("scripts_search"), {"q": "开发商 配套设施"}).content.decode()
    assert faq_url(ObjectionCategory.FACILITIES) in both
    assert faq_url(ObjectionCategory.CONSTRUCTION_DEFECT) not in both


def test_search_with_htmx_returns_a_fragment(client, user_with_role):
    client.force_login(user_with_role(STAFF))
    response = client.get(reverse("scripts_search"), {"q": "开发商"}, headers={"HX-Request": "true"})
    content = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in content
    assert 'class="sf-list"' in content
    assert faq_url(ObjectionCategory.CONSTRUCTION_DEFECT) in content


def test_search_with_nothing_found_says_so(client, user_with_role):
    client.force_login(user_with_role(STAFF))
    response = client.get(reverse("scripts_search"), {"q": "量子计算机"}, headers={"HX-Request": "true"})
    assert "没有找到" in response.content.decode()


def test_an_empty_search_returns_an_empty_fragment(client, user_with_role):
    client.force_login(user_with_role(STAFF))
    response = client.get(reverse("scripts_search"), {"q": "  "}, headers={"HX-Request": "true"})
    assert response.content.decode().strip() == ""


def test_staff_search_skips_unpublished_answers(client, user_with_role):
    answer = answer_for(ObjectionCategory.CONSTRUCTION_DEFECT)
    answer.published = False
    answer.save()
    client.force_login(user_with_role(STAFF))
    content = client.get(reverse("scripts_search"), {"q": "开发商"}).content.decode()
    assert reverse("faq_detail", args=[answer.pk]) not in content
    assert faq_url(ObjectionCategory.FACILITIES) in content


# Edit pages


def test_a_manager_edits_an_answer(client, user_with_role):
    manager = user_with_role(MANAGER)
    client.force_login(manager)
    answer = answer_for(ObjectionCategory.UTILITY_OUTAGE)
    url = reverse("faq_edit", args=[answer.pk])
    assert client.get(url).status_code == 200
    data = answer_fields(answer, tips="说明供水单位的抢修时间\n绝不以停水停电催交", published="on")
    response = client.post(url, data)
    assert response.status_code == 302
    assert response.url == reverse("faq_detail", args=[answer.pk])
    answer.refresh_from_db()
    assert answer.tip_list == ["说明供水单位的抢修时间", "绝不以停水停电催交"]
    assert answer.updated_by == manager


def test_an_empty_answer_is_refused_on_the_edit_page(client, user_with_role):
    client.force_login(user_with_role(MANAGER))
    answer = answer_for(ObjectionCategory.UTILITY_OUTAGE)
    response = client.post(reverse("faq_edit", args=[answer.pk]), answer_fields(answer, body="   ", published="on"))
    assert response.status_code == 200
    assert response.context["form"].errors["body"]
    answer.refresh_from_db()
    assert answer.body.strip()


def test_a_manager_edits_a_script_entry(client, user_with_role):
    client.force_login(user_with_role(MANAGER))
    entry = ScriptEntry.objects.filter(kind=ScriptKind.PHONE, stage=PhoneStage.CLOSING).first()
    url = reverse("script_edit", args=[entry.pk])
    response = client.post(url, entry_fields(entry, title="做好记录", published=""))
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.title == "做好记录"
    assert entry.published is False


def test_the_edit_page_refuses_a_stage_outside_the_phone_guide(client, user_with_role):
    client.force_login(user_with_role(MANAGER))
    entry = ScriptEntry.objects.filter(kind=ScriptKind.METHOD).first()
    response = client.post(
        reverse("script_edit", args=[entry.pk]), entry_fields(entry, stage=PhoneStage.OPENING, published="on")
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    entry.refresh_from_db()
    assert entry.stage == ""


# Admin


def test_admin_changelists_and_a_save_go_through(client, user_with_role):
    admin_user = user_with_role(MANAGER)
    admin_user.is_staff = admin_user.is_superuser = True
    admin_user.save()
    client.force_login(admin_user)
    assert client.get(reverse("admin:scripts_faq_faqanswer_changelist")).status_code == 200
    assert client.get(reverse("admin:scripts_faq_scriptentry_changelist")).status_code == 200
    answer = answer_for(ObjectionCategory.OTHER)
    url = reverse("admin:scripts_faq_faqanswer_change", args=[answer.pk])
    response = client.post(url, answer_fields(answer, body="  新答复  ", published="on"))
    assert response.status_code == 302
    answer.refresh_from_db()
    assert answer.body == "新答复"
    assert answer.updated_by == admin_user
    add = client.post(
        reverse("admin:scripts_faq_faqanswer_add"),
        {"category": "other", "question": "新问题", "body": "答复", "order": 5, "published": "on"},
    )
    assert add.status_code == 302
    assert FaqAnswer.objects.get(question="新问题").updated_by == admin_user
