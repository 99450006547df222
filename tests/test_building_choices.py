"""Building pickers: names in natural order (2 before 10), without a code prefix, under their community's name
when there are several communities."""

import pytest

from core.sorting import natural_key
from notices.forms_letters import BatchForm
from tests.factories import BuildingFactory, CommunityFactory


def test_natural_key_orders_numbers_as_numbers():
    names = ["10", "2", "1", "3B", "3A", "3", "商铺", "A12", "A2"]
    assert sorted(names, key=natural_key) == ["1", "2", "3", "3A", "3B", "10", "A2", "A12", "商铺"]


@pytest.mark.django_db
def test_the_batch_form_lists_buildings_in_natural_order_grouped_by_community():
    hy = CommunityFactory(code="HY", name="和园")
    ly = CommunityFactory(code="LY", name="丽苑")
    for name in ("10", "2", "1"):
        BuildingFactory(community=hy, name=name)
    BuildingFactory(community=ly, name="5")
    choices = list(BatchForm().fields["building"].choices)
    assert choices[0][0] == ""
    groups = [(label, [text for _value, text in options]) for label, options in choices[1:]]
    assert groups == [("和园", ["1", "2", "10"]), ("丽苑", ["5"])]
    html = str(BatchForm()["building"])
    assert '<optgroup label="和园">' in html and "HY ·" not in html


@pytest.mark.django_db
def test_with_one_community_the_buildings_are_not_grouped():
    hy = CommunityFactory(code="HY", name="和园")
    for name in ("10", "9"):
        BuildingFactory(community=hy, name=name)
    assert [text for _value, text in list(BatchForm().fields["building"].choices)[1:]] == ["9", "10"]
