"""A plan's name for people: issuer's short form and number, from real headers."""

import datetime as dt

import pytest

from pipeline.labels import Plan, labels

# (issuer, locality, province, number, symbol) as the real headers give them -> label
CASES = [
    (("Ủy ban nhân dân tỉnh Đồng Tháp", "Đồng Tháp", "Đồng Tháp", "597/KH-UBND", "KH-UBND"), "Đồng Tháp 597/KH-UBND"),
    (("Ủy ban nhân dân thành phố Hồ Chí Minh", "Hồ Chí Minh", "Hồ Chí Minh", "2820/QĐ-UBND", "QĐ-UBND"),
     "Hồ Chí Minh 2820/QĐ-UBND"),
    (("Ủy ban nhân dân phường Cam Đường", "Cam Đường", "Lào Cai", "831/TB-UBND", "TB-UBND"),
     "Phường Cam Đường 831/TB-UBND"),
    (("Ban thường trực Ủy ban mặt trận tổ quốc việt nam xã Lương Minh", "Lương Minh", "Quảng Ninh", "16/KH-MTTQ-BTT",
      "KH-MTTQ-BTT"), "MTTQ xã Lương Minh 16/KH-MTTQ-BTT"),
    (("Sở Công thương tỉnh Lào Cai", "Lào Cai", "Lào Cai", None, "SCT-CN"), "Sở Công thương Lào Cai …/SCT-CN"),
    (("Tiểu ban thông tin, Tuyên truyền, Khánh tiết Ủy ban bầu cử xã Phố Bảng", "Phố Bảng", "Tuyên Quang",
      "01/KH-TBTTKT", "KH-TBTTKT"), "Tiểu ban thông tin, Tuyên truyền, Khánh tiết UBBC xã Phố Bảng 01/KH-TBTTKT"),
]


@pytest.mark.parametrize("fields, expected", CASES, ids=[c[1] for c in CASES])
def test_label(fields, expected):
    assert labels([Plan(*fields, issued_date=None, source_name="x.txt")]) == [expected]


def test_same_label_told_apart_by_date_then_file():
    """Lâm Đồng's working copies leave number and day blank: the date, then the file name, tell them apart."""
    same = ("Ban thường trực Ủy ban mặt trận tổ quốc việt nam xã Lương Minh", "Lương Minh", "Quảng Ninh", None,
            "KH-MTTQ-BTT")
    plans = [Plan(*same, issued_date=dt.date(2025, 11, 25), source_name="r053.txt"),
             Plan(*same, issued_date=dt.date(2025, 12, 10), source_name="r054.txt"),
             Plan(*same, issued_date=dt.date(2025, 12, 10), source_name="r057.txt")]
    assert labels(plans) == ["MTTQ xã Lương Minh …/KH-MTTQ-BTT (25/11/2025)",
                             "MTTQ xã Lương Minh …/KH-MTTQ-BTT (10/12/2025) (r054)",
                             "MTTQ xã Lương Minh …/KH-MTTQ-BTT (10/12/2025) (r057)"]
