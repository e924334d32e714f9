"""Issuers of the test sentences: (issuer level, locality, province), the
header fields agency names and levels are resolved with."""

WARD = ("phuong", "Vị Khê", "Ninh Bình")
COMMUNE = ("xa", "Phong Quang", "Thái Nguyên")
CITY = ("thanh_pho", "Hải Phòng", "Hải Phòng")
PROVINCE = ("tinh", "Lai Châu", "Lai Châu")
# Held-out documents
NGHE_AN = ("tinh", "Nghệ An", "Nghệ An")
HAC_THANH = ("phuong", "Hạc Thành", "Thanh Hóa")
PHU_THO = ("tinh", "Phú Thọ", "Phú Thọ")
HAI_CHAU = ("phuong", "Hải Châu", "Đà Nẵng")
DONG_HA = ("phuong", "Đông Hà", "Quảng Trị")
PHONG_DIEN = ("xa", "Phong Điền", "Cần Thơ")
THUAN_HOA = ("phuong", "Thuận Hóa", "Huế")
