"""How the report writes what it counted: rates as percentages, fields of work in
Vietnamese dictionary order."""

from __future__ import annotations

import pytest

from engine.reporting import (
    percentage,
    vietnamese_sort_key,
)


@pytest.mark.parametrize(("part", "whole", "expected"), [
    (0, 0, None), (0, 5, 0.0), (2310, 2411, 95.8), (1, 3, 33.3), (2, 3, 66.7),
    (1, 8, 12.5), (1, 16, 6.3),  # 6.25 rounds half up
])
def test_percentage(part, whole, expected):
    assert percentage(part, whole) == expected


def test_vietnamese_order():
    words = ["Y tế", "Đất đai", "Hộ tịch", "Dân tộc", "Chứng thực", "Ăn uống", "An ninh",
             "Ơn", "Ô tô", "Ưu đãi", "Uỷ thác"]
    assert sorted(words, key=vietnamese_sort_key) == [
        "An ninh", "Ăn uống", "Chứng thực", "Dân tộc", "Đất đai", "Hộ tịch", "Ô tô", "Ơn",
        "Uỷ thác", "Ưu đãi", "Y tế"]


def test_tones_break_ties_in_their_own_order_and_per_syllable():
    """Ngang, huyền, sắc, hỏi, ngã, nặng; a tone on a later letter counts where it
    stands, and marks never hide the letters after them."""
    words = ["Mạ", "Mã", "Mả", "Má", "Mà", "Ma"]
    assert sorted(words, key=vietnamese_sort_key) == ["Ma", "Mà", "Má", "Mả", "Mã", "Mạ"]
    assert sorted(["ban bè", "bán be", "ban be"], key=vietnamese_sort_key) == [
        "ban be", "ban bè", "bán be"]
    assert sorted(["Thuỷ b", "Thuỷ a", "Thuy c"], key=vietnamese_sort_key) == [
        "Thuỷ a", "Thuỷ b", "Thuy c"]
    assert sorted(["bàn be", "ban bé"], key=vietnamese_sort_key) == ["ban bé", "bàn be"]
    assert sorted(["Ảnh", "Ánh", "Anh"], key=vietnamese_sort_key) == ["Anh", "Ánh", "Ảnh"]
    assert sorted(["Mà", "ma"], key=vietnamese_sort_key) == ["ma", "Mà"]  # tone before case
