import pytest

from arrears.masking import mask_name, mask_phone


@pytest.mark.parametrize(
    ("name", "masked"),
    [
        ("张三丰", "张**"),
        ("张三", "张**"),
        ("欧阳娜娜", "欧**"),
        ("  李四 ", "李**"),
        ("张", "**"),
        ("", ""),
        (None, ""),
    ],
)
def test_mask_person_name_keeps_the_first_character(name, masked):
    assert mask_name(name) == masked


@pytest.mark.parametrize(
    ("name", "masked"),
    [
        ("华为技术有限公司", "华为**"),
        ("某某物流", "某某**"),
        ("华为", "华**"),
    ],
)
def test_mask_organisation_name_keeps_the_first_two_characters(name, masked):
    assert mask_name(name, organisation=True) == masked


@pytest.mark.parametrize(
    ("phone", "masked"),
    [
        ("13812345678", "138****5678"),
        ("138 1234 5678", "138****5678"),
        ("138-1234-5678", "138****5678"),
        ("+86 138 1234 5678", "138****5678"),
        ("0571-88886666", "********6666"),
        ("88886666", "****6666"),
        ("12345", "*2345"),
        ("1234", "****"),
        ("110", "****"),
        ("", ""),
        (None, ""),
        ("无", ""),
    ],
)
def test_mask_phone(phone, masked):
    assert mask_phone(phone) == masked


def test_mask_phone_masks_each_of_several_numbers():
    assert mask_phone("13812345678/13987654321") == "138****5678 / 139****4321"
    assert mask_phone("13812345678，0571-88886666") == "138****5678 / ********6666"


def test_masked_phone_never_contains_the_middle_digits():
    assert "1234" not in mask_phone("13812345678")
