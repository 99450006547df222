"""Natural order of the labels people read."""

from core.sorting import natural_key


def test_numbers_compare_as_numbers_and_come_before_text():
    labels = ["12栋", "3-10-101", "A座", "3-2-1201", "2栋", "10", "3-1201", "2"]
    assert sorted(labels, key=natural_key) == ["2", "2栋", "3-2-1201", "3-10-101", "3-1201", "10", "12栋", "A座"]
