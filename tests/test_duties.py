"""Duties: every assignment shape seen in the seed plans, table-driven."""

import pytest

from extractors import agencies, duties
from extractors.themes import themes_of
from core.document import Document
from core.normalize import clean_text
from extractors.sections import segment
from places import (CITY, COMMUNE, DONG_HA, HAC_THANH, HAI_CHAU, NGHE_AN, PHONG_DIEN, PHU_THO, PROVINCE,
                    THUAN_HOA, WARD)
from schemas.records import DateMention, DocumentMeta

LAO_CAI = ("tinh", "Lào Cai", "Lào Cai")
PHU_QUOC = ("dac_khu", "Phú Quốc", "An Giang")
THUY_NGUYEN = ("phuong", "Thủy Nguyên", "Hải Phòng")
MINISTRY = ("bo", None, None)
HO_CHI_MINH = ("thanh_pho", "Hồ Chí Minh", "Hồ Chí Minh")


def make_doc(text: str, where) -> Document:
    doc = Document(clean_text(text)[0])
    doc.sections = segment(doc)[0]
    level, locality, province = where
    doc.meta = DocumentMeta(doc_id=doc.doc_id, source_name="t", text=doc.text, issuer_level=level,
                            locality=locality, province=province)
    return doc


def tasks(doc: Document, dates=()) -> list:
    return duties.extract(doc, agencies.extract(doc), list(dates))


def per_agency(rows) -> dict:
    out = {}
    for d in rows:
        n, req = out.get(d.agency, (0, d.requested))
        out[d.agency] = (n + 1, req)
    return out


ASSIGN = "IV. PHÂN CÔNG NHIỆM VỤ\n\n"

# (text, issuer, {agency: (tasks, requested)})
SHAPES = [
    # An agency heading followed by dash bullets, one task each.
    (ASSIGN + "5. Trạm y tế xã\n\n"
     "- Tăng cường đáp ứng y tế trong công tác phòng, chống ma túy, trọng tâm là bảo đảm cơ sở vật chất.\n\n"
     "- Xây dựng phương án, lộ trình, lựa chọn cán bộ để đảm bảo đến năm 2030 Trạm y tế xã đủ điều kiện xác định "
     "tình trạng nghiện ma túy.\n",
     COMMUNE, {"Trạm y tế xã Phong Quang": (2, False)}),
    # One paragraph, split by a page break: a line in lower case continues it.
    (ASSIGN + "6. Các trường học trên địa bàn phường\n\n"
     "Tăng cường tuyên truyền phòng, chống ma túy cho học sinh, sinh viên, thuốc lá điện tử, thuốc\n\n"
     "lá nung nóng và các giải pháp phòng ngừa, ngăn chặn.\n",
     WARD, {"Các trường học trên địa bàn phường": (1, False)}),
    # Two bodies in one heading: the tasks belong to both.
    (ASSIGN + "5. Phòng Kinh tế, Hạ tầng và Đô thị và phòng Nông nghiệp\n\n"
     "- Tăng cường biện pháp quản lý chặt chẽ các cửa hàng bán thuốc thú y.\n\n"
     "- Thực hiện nghiêm túc Quy chế hoạt động của Tổ Công tác liên ngành.\n",
     WARD, {"Phòng Kinh tế, Hạ tầng và Đô thị": (2, False), "Phòng Nông nghiệp": (2, False)}),
    # A group heading whose bullets name member bodies; a paragraph after a member bullet is its task.
    (ASSIGN + "9. Đề nghị Chi cục Hải quan Khu vực III, Ban Chỉ huy Bộ đội Biên phòng thành phố Hải Phòng\n\n"
     "- *Chi cục Hải quan Khu vực III*: Chủ trì kiểm tra, giám sát hải quan đối với hàng hóa xuất khẩu, nhập khẩu.\n\n"
     "Phối hợp với Công an thành phố và các lực lượng liên quan trao đổi thông tin về doanh nghiệp.\n\n"
     "- *Ban Chỉ huy Bộ đội Biên phòng thành phố*: Chủ trì, phối hợp với các cơ quan, tổ chức duy trì an ninh.\n",
     CITY, {"Chi cục Hải quan khu vực III": (2, True),
            "Ban Chỉ huy Bộ đội Biên phòng thành phố Hải Phòng": (1, True)}),
    # The heading body keeps its lead paragraphs; members named in bullets get theirs.
    (ASSIGN + "9. Đề nghị Ủy ban Mặt trận Tổ quốc phường\n\n"
     "Tăng cường công tác phối hợp, hướng dẫn tổ chức các hoạt động phòng, chống ma túy tại cộng đồng.\n\n"
     "- Hội Nông dân: chủ động phối hợp, tuyên truyền, giáo dục nâng cao nhận thức cho cán bộ, hội viên.\n\n"
     "- Hội Phụ nữ: thực hiện công tác tuyên truyền phòng, chống tội phạm và tệ nạn ma túy.\n",
     WARD, {"Ủy ban Mặt trận Tổ quốc Việt Nam phường Vị Khê": (1, True), "Hội Nông dân": (1, True),
            "Hội Liên hiệp Phụ nữ": (1, True)}),
    # Members listed in parentheses stand for the group.
    (ASSIGN + "7. Các ban ngành đoàn thể (Ủy ban Mặt trận tổ quốc, Hội phụ nữ, Đoàn thanh niên)\n\n"
     "- Các ban ngành đoàn thể chủ động tăng cường quản lý cán bộ, công nhân viên chức, hội viên.\n",
     COMMUNE, {"Ủy ban Mặt trận Tổ quốc Việt Nam": (1, False), "Hội Liên hiệp Phụ nữ": (1, False),
               "Đoàn Thanh niên Cộng sản Hồ Chí Minh": (1, False)}),
    # An honorific in parentheses is no member list.
    (ASSIGN + "8. Các ông (bà) Trưởng thôn, Lực lượng ANCS\n\n"
     "- Nâng cao hiệu quả phong trào toàn dân bảo vệ An ninh tổ quốc.\n",
     COMMUNE, {"Trưởng thôn": (1, False), "Lực lượng An ninh trật tự cơ sở": (1, False)}),
    # A lead paragraph and bullets all count.
    (ASSIGN + "11. Chi nhánh Ngân hàng Chính sách xã hội thành phố\n\n"
     "Chi nhánh Ngân hàng Chính sách xã hội thành phố chủ trì, phối hợp với các sở, ngành, địa phương triển khai.\n\n"
     "- Phối hợp với Công an thành phố và chính quyền cơ sở trong công tác rà soát.\n\n"
     "- Thường xuyên kiểm tra, đánh giá hiệu quả các mô hình hỗ trợ tái hòa nhập cộng đồng.\n",
     CITY, {"Chi nhánh Ngân hàng Chính sách xã hội thành phố Hải Phòng": (3, False)}),
    # Table rows under a heading are no prose paragraphs: task tables read them.
    (ASSIGN + "1. Công an tỉnh\n\n"
     "- Mở đợt cao điểm tấn công, trấn áp tội phạm về ma túy.\n\n"
     "| TT | Nhiệm vụ | Cơ quan chủ trì | Cơ quan phối hợp | Thời gian hoàn thành | Sản phẩm |\n"
     "|---|---|---|---|---|---|\n"
     "| 2 | Tăng cường tuyên truyền phòng, chống ma túy trên không gian mạng | Sở Văn hóa, Thể thao và Du lịch "
     "| Công an tỉnh | Quý II/2026 | Tin, bài |\n",
     PROVINCE, {"Công an tỉnh Lai Châu": (1, False)}),
    # `Giao <agency>` anywhere, several agencies in one sentence; a generic sentence is no duty.
    ("III. TỔ CHỨC THỰC HIỆN\n\n"
     "1. Các ban, ngành, đoàn thể căn cứ nhiệm vụ được giao tại kế hoạch này tổ chức triển khai thực hiện.\n\n"
     "2. Giao Công an xã, Văn phòng UBND xã theo dõi, hướng dẫn, kiểm tra, đôn đốc các cơ quan, đơn vị.\n",
     COMMUNE, {"Công an xã Phong Quang": (1, False), "Văn phòng Ủy ban nhân dân xã Phong Quang": (1, False)}),
    # The head of a body is tasked: the body gets the duty.
    ("V. TỔ CHỨC THỰC HIỆN\n\n"
     "3. Giao đồng chí Trưởng Công an phường có trách nhiệm theo dõi, đôn đốc, tập hợp kết quả.\n",
     WARD, {"Công an phường Vị Khê": (1, False)}),
    # A clause opened by a named body in a reporting section.
    ("III. TỔ CHỨC THỰC HIỆN\n\n"
     "3. Chế độ thông tin báo cáo: Kết thúc Tháng cao điểm các đơn vị báo cáo kết quả thực hiện và gửi Cơ quan "
     "thường trực Ban Chỉ đạo phòng, chống tội phạm tỉnh trước ngày 03/7/2026; Cơ quan thường trực Ban Chỉ đạo "
     "hoàn thiện dự thảo báo cáo trình UBND tỉnh trước ngày 05/7/2026.\n",
     PROVINCE, {"Cơ quan thường trực Ban Chỉ đạo phòng, chống tội phạm tỉnh Lai Châu": (1, False)}),
    # Agencies listed as the subject of a generic sentence get nothing.
    ("V. TỔ CHỨC THỰC HIỆN\n\n"
     "1. Các phòng, ban, ngành, đoàn thể của phường, Công an phường, Ban chỉ huy quân sự phường căn cứ vào chức "
     "năng, nhiệm vụ được giao và nội dung được phân công, tổ chức triển khai thực hiện.\n",
     WARD, {}),
    # Held-out forms. An item opening with agencies and a task verb is their task.
    ("IV. TỔ CHỨC THỰC HIỆN\n"
     "3. Phòng Văn hóa - Xã hội chủ trì, phối hợp với Công an phường đẩy mạnh tuyên\n"
     "truyền về phòng cháy, chữa cháy trên hệ thống truyền thanh và trang thông tin\nđiện tử của phường.\n"
     "4. Ban Chỉ huy Quân sự phường bố trí lực lượng dân quân sẵn sàng tham gia chữa\n"
     "cháy, cứu nạn, cứu hộ khi có yêu cầu.\n",
     DONG_HA, {"Phòng Văn hóa - Xã hội": (1, False), "Ban Chỉ huy Quân sự phường Đông Hà": (1, False)}),
    ("IV. TỔ CHỨC THỰC HIỆN\n\n"
     "1. Ban Xây dựng Đảng Đảng ủy phường chủ trì, phối hợp với Văn phòng Đảng ủy tham mưu Ban Thường vụ Đảng ủy "
     "tổ chức quán triệt Nghị quyết; theo dõi, đôn đốc việc thực hiện Kế hoạch.\n\n"
     "2. Ủy ban Kiểm tra Đảng ủy phường đưa nội dung thực hiện Kế hoạch vào chương trình kiểm tra, giám sát hằng năm.\n\n"
     "3. Đảng ủy Ủy ban nhân dân phường\n\n"
     "- Lãnh đạo Ủy ban nhân dân phường cụ thể hóa Kế hoạch thành các chương trình, đề án cụ thể.\n\n"
     "- Chỉ đạo bố trí nguồn lực, kinh phí cho hoạt động chuyển đổi số.\n\n"
     "4. Ủy ban Mặt trận Tổ quốc Việt Nam phường và các tổ chức chính trị - xã hội phường tuyên truyền, vận động "
     "đoàn viên, hội viên và Nhân dân tích cực tham gia chuyển đổi số.\n\n"
     "5. Các chi bộ trực thuộc xây dựng kế hoạch thực hiện, hoàn thành trước ngày 30/5/2026.\n\n"
     "Kế hoạch này được phổ biến đến chi bộ và đảng viên./.\n",
     HAI_CHAU, {"Ban Xây dựng Đảng Đảng ủy phường Hải Châu": (1, False),
                "Ủy ban Kiểm tra Đảng ủy phường Hải Châu": (1, False),
                "Đảng ủy Ủy ban nhân dân phường Hải Châu": (2, False),
                "Ủy ban Mặt trận Tổ quốc Việt Nam phường Hải Châu": (1, False),
                "Các tổ chức chính trị - xã hội phường Hải Châu": (1, False),
                "Các chi bộ trực thuộc": (1, False)}),
    # `Đối với <agency>` headings of a Công văn; a `Đề nghị X` paragraph is X's; the issuer's closing is no one's.
    ("Sở Y tế đề nghị các đơn vị triển khai một số nội dung sau:\n\n"
     "1. Đối với Ủy ban nhân dân các xã, phường\n\n"
     "- Báo cáo kết quả về Sở Y tế (qua Chi cục An toàn vệ sinh thực phẩm) trước ngày 25/5/2026.\n\n"
     "4. Đối với các cơ sở sản xuất, kinh doanh thực phẩm\n\n"
     "Chấp hành nghiêm các quy định về điều kiện bảo đảm an toàn thực phẩm, nguồn gốc, xuất xứ nguyên liệu.\n\n"
     "Đề nghị Sở Công Thương, Sở Nông nghiệp và Môi trường phối hợp chỉ đạo lực lượng chức năng kiểm tra, xử lý "
     "vi phạm về an toàn thực phẩm trong lĩnh vực được phân công quản lý.\n\n"
     "Sở Y tế đề nghị các đơn vị quan tâm, phối hợp triển khai thực hiện./.\n",
     PHU_THO, {"Ủy ban nhân dân các xã, phường": (1, False),
               "Các cơ sở sản xuất, kinh doanh thực phẩm": (1, False),
               "Sở Công Thương": (1, True), "Sở Nông nghiệp và Môi trường": (1, True)}),
    # A closing `Giao X ...` after another body's bullets is X's.
    ("IV. TỔ CHỨC THỰC HIỆN\n\n"
     "4. Đề nghị Ủy ban Mặt trận Tổ quốc Việt Nam phường và các tổ chức chính trị - xã hội phường\n\n"
     "- Hội Liên hiệp Phụ nữ phường: vận động hội viên không để người thân vi phạm pháp luật về ma túy.\n\n"
     "Giao Công an phường theo dõi, đôn đốc việc thực hiện Kế hoạch này./.\n",
     THUAN_HOA, {"Hội Liên hiệp Phụ nữ phường Thuận Hóa": (1, True), "Công an phường Thuận Hóa": (1, False)}),
    # A generic closing sentence is nobody's task.
    ("IV. TỔ CHỨC THỰC HIỆN\n\n"
     "3. Công an xã\n\n"
     "Phối hợp cập nhật, khai thác dữ liệu dân cư phục vụ giải quyết thủ tục hành chính.\n\n"
     "Các cơ quan, đơn vị căn cứ nhiệm vụ được giao tổ chức thực hiện nghiêm túc Kế hoạch này./.\n",
     PHONG_DIEN, {"Công an xã Phong Điền": (1, False)}),
    # A newspaper named by its place, in a heading with the broadcaster.
    ("IV. TỔ CHỨC THỰC HIỆN\n\n"
     "6. Đài Phát thanh và Truyền hình tỉnh, Báo Nghệ An\n\n"
     "Tăng cường thời lượng thông tin, kịp thời đưa tin cảnh báo, dự báo thiên tai và chỉ đạo ứng phó của các cấp.\n",
     NGHE_AN, {"Đài Phát thanh và Truyền hình tỉnh Nghệ An": (1, False), "Báo Nghệ An": (1, False)}),
    # In a plan attached after a decision's signature, `Giao X` is read too.
    ("Điều 1. Ban hành kèm theo Quyết định này Kế hoạch chuyển đổi số phường Hạc Thành năm 2026.\n\n"
     "Nơi nhận:\n- Lưu: VT.\n\nTM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH\n\nKẾ HOẠCH\n\n"
     "II. NHIỆM VỤ, GIẢI PHÁP\n\n2. Phát triển dữ liệu số và kỹ năng số\n\n"
     "Tổ chức đợt cao điểm \"Bình dân học vụ số\" từ ngày 15/5/2026 đến ngày 15/8/2026. Giao Phòng Văn hóa - Xã hội "
     "chủ trì, phối hợp với Công an phường hướng dẫn người dân kích hoạt tài khoản định danh điện tử mức độ 2.\n",
     HAC_THANH, {"Phòng Văn hóa - Xã hội": (1, False)}),
    # A Công văn's numbered requests headed by an agency, outside any assignment section.
    ("Để chủ động ứng phó, hạn chế thấp nhất thiệt hại, Chủ tịch Ủy ban nhân dân tỉnh yêu cầu các cơ quan, đơn vị, "
     "địa phương khẩn trương thực hiện các nội dung sau:\n\n"
     "2. Sở Nông nghiệp và Môi trường\n"
     "- Thành lập các đoàn kiểm tra, đôn đốc công tác phòng, chống đói, rét tại các xã vùng cao.\n"
     "- Hướng dẫn biện pháp kỹ thuật bảo vệ mạ, lúa xuân, cây ăn quả ôn đới trước băng giá, sương muối.\n\n"
     "4. Báo và Phát thanh, Truyền hình Lào Cai\n"
     "Tăng thời lượng đưa tin về diễn biến thời tiết và các biện pháp phòng, chống đói, rét cho vật nuôi.\n\n"
     "Yêu cầu Thủ trưởng các cơ quan, đơn vị và Chủ tịch Ủy ban nhân dân các xã, phường nghiêm túc triển khai "
     "thực hiện./.\n",
     LAO_CAI, {"Sở Nông nghiệp và Môi trường": (2, False), "Báo và Phát thanh, Truyền hình Lào Cai": (1, False)}),
    # A `Giao X:` item whose tasks are the bullets after it, one each.
    ("2.2. Giao Sở Nông nghiệp và Môi trường:\n\n"
     "- Hướng dẫn Ủy ban nhân dân các phường trình tự, thủ tục xác định giá đất cụ thể.\n\n"
     "- Chủ động tham mưu xử lý các trường hợp đất có nguồn gốc phức tạp, tranh chấp kéo dài.\n",
     PROVINCE, {"Sở Nông nghiệp và Môi trường": (2, False)}),
    # A group heading over member headings: the members inherit its `Đề nghị`.
    ("V. TỔ CHỨC THỰC HIỆN\n"
     "3. Đề nghị Ủy ban Mặt trận Tổ quốc Việt Nam xã và các tổ chức chính trị - xã hội\n"
     "3.1. Ủy ban Mặt trận Tổ quốc Việt Nam xã\n"
     "Đưa nội dung phân loại chất thải vào cuộc vận động; giám sát việc thực hiện tại cộng đồng.\n"
     "3.2. Hội Liên hiệp Phụ nữ xã\n"
     "- Duy trì, nhân rộng mô hình \"Phụ nữ nói không với túi ni lông\".\n"
     "- Vận động hội viên gương mẫu thực hiện phân loại tại gia đình.\n",
     COMMUNE, {"Ủy ban Mặt trận Tổ quốc Việt Nam xã Phong Quang": (1, True),
               "Hội Liên hiệp Phụ nữ xã Phong Quang": (2, True)}),
    # Closing paragraphs after the last agency heading are no one's task.
    ("V. TỔ CHỨC THỰC HIỆN\n"
     "4. Trưởng các thôn\n"
     "- Phổ biến Kế hoạch đến từng hộ gia đình.\n\n"
     "Trên đây là Kế hoạch thực hiện phân loại chất thải rắn sinh hoạt tại nguồn năm 2026 của Ủy ban nhân dân xã "
     "Tiên Lữ. Yêu cầu các cơ quan, đơn vị, các thôn nghiêm túc triển khai thực hiện./.\n",
     COMMUNE, {"Trưởng thôn": (1, False)}),
    ("IV. TỔ CHỨC THỰC HIỆN\n"
     "4. Đề nghị Sở Tài chính\n"
     "Tham mưu Ủy ban nhân dân tỉnh bố trí kinh phí thực hiện Kế hoạch từ nguồn ngân sách địa phương.\n\n"
     "Trong quá trình triển khai, nếu có khó khăn, vướng mắc, các đơn vị phản ánh về Sở Giáo dục và Đào tạo "
     "(qua Phòng Giáo dục nghề nghiệp và Giáo dục thường xuyên) để được hướng dẫn./.\n",
     PROVINCE, {"Sở Tài chính": (1, True)}),
    # Blind-2 forms. A numbered item of a report's task list opening with an agency and a verb.
    ("II. PHƯƠNG HƯỚNG, NHIỆM VỤ 6 THÁNG CUỐI NĂM 2026\n\n2. Nhiệm vụ, giải pháp trọng tâm\n\n"
     "2.3. Công an đặc khu tăng cường tuần tra, kiểm soát, bảo đảm an ninh, trật tự tại các khu, điểm du lịch "
     "trọng điểm; xử lý nghiêm các đối tượng chèo kéo, đeo bám du khách.\n\n"
     "2.4. Ban Quản lý Khu bảo tồn biển Phú Quốc phối hợp với Đồn Biên phòng Cửa Cạn kiểm soát hoạt động du lịch "
     "lặn biển, câu cá trong vùng lõi khu bảo tồn.\n",
     PHU_QUOC, {"Công an đặc khu Phú Quốc": (1, False), "Ban Quản lý Khu bảo tồn biển Phú Quốc": (1, False)}),
    # The same in a PDF conversion, its sentence broken over two lines.
    ("III. NHIỆM VỤ, GIẢI PHÁP\n2. Chăm sóc sức khoẻ người cao tuổi\n"
     "2.1. Trạm Y tế phường phối hợp với Bệnh viện đa khoa Thuỷ Nguyên tổ chức khám\n"
     "sức khoẻ, tư vấn phòng bệnh không lây nhiễm cho người cao tuổi tại 24 tổ dân phố.\n"
     "2.2. Khuyến khích người cao tuổi tham gia luyện tập thể dục thể thao, dưỡng sinh.\n",
     THUY_NGUYEN, {"Trạm y tế phường Thủy Nguyên": (1, False)}),
    # A PDF line break before a date: the date goes on with the unfinished sentence.
    ("IV. TỔ CHỨC THỰC HIỆN\n1. Phòng Văn hoá - Xã hội\n"
     "- Rà soát, cập nhật danh sách người cao tuổi thuộc diện hưởng trợ cấp xã hội, hoàn thành trước ngày\n\n"
     "31/3/2026.\n\n- Chủ trì tổ chức mừng thọ người cao tuổi nhân dịp Tết Nguyên đán.\n",
     THUY_NGUYEN, {"Phòng Văn hóa - Xã hội": (2, False)}),
    # Member bullets naming several bodies at once; the group heading gets nothing.
    ("9. Đề nghị các Bộ, ngành liên quan\n\n"
     "- Bộ Công an: chỉ đạo công an các địa phương phối hợp với lực lượng thú y ngăn chặn, xử lý nghiêm hành vi "
     "vận chuyển, buôn bán lợn bệnh qua biên giới.\n\n"
     "- Đài Truyền hình Việt Nam, Đài Tiếng nói Việt Nam, Thông tấn xã Việt Nam: tăng cường thông tin, tuyên "
     "truyền về nguy cơ, tác hại của bệnh và các biện pháp phòng, chống.\n",
     MINISTRY, {"Bộ Công an": (1, True), "Đài Truyền hình Việt Nam": (1, True), "Đài Tiếng nói Việt Nam": (1, True),
                "Thông tấn xã Việt Nam": (1, True)}),
    # A Công văn's lead-in announcing a list: the numbered items are the addressee's tasks (an item's
    # `cụ thể:` intro is none, its bullets are) up to an item naming its own agency. `đề nghị` inside the
    # sentence does not ask; a closing that asks only for implementation is no task.
    ("Kính gửi: Chủ tịch Ủy ban nhân dân các tỉnh, thành phố trực thuộc Trung ương.\n\n"
     "Thực hiện Công điện số 62/CĐ-TTg ngày 02/7/2026 của Thủ tướng Chính phủ, Bộ Nông nghiệp và Môi trường đề nghị "
     "Chủ tịch Ủy ban nhân dân các tỉnh, thành phố trực thuộc Trung ương chỉ đạo các cơ quan chức năng và chính quyền "
     "cấp xã khẩn trương thực hiện ngay các nội dung sau:\n\n"
     "1. Tổ chức thực hiện nghiêm các quy định của Luật Thú y.\n\n"
     "2. Tổ chức giám sát chặt chẽ, phát hiện sớm, khoanh vùng và xử lý triệt để ổ dịch ngay khi mới phát sinh, "
     "cụ thể:\n\n"
     "- Tiêu hủy lợn bệnh, lợn nghi mắc bệnh theo đúng quy định.\n\n"
     "- Bảo đảm 100% ổ dịch được phát hiện và xử lý theo đúng quy định trong vòng 24 giờ.\n\n"
     "3. Giao Trung tâm Khuyến nông quốc gia phối hợp với các địa phương xây dựng, nhân rộng mô hình chăn nuôi an "
     "toàn sinh học.\n\n"
     "Bộ Nông nghiệp và Môi trường đề nghị Chủ tịch Ủy ban nhân dân các tỉnh, thành phố trực thuộc Trung ương quan "
     "tâm chỉ đạo thực hiện./.\n",
     MINISTRY, {"Ủy ban nhân dân các tỉnh, thành phố trực thuộc Trung ương": (3, False),
                "Trung tâm Khuyến nông quốc gia": (1, False)}),
    # Labelled fields of a task block (r002): every agency of the lead field holds the task, but not the
    # body it advises (`tham mưu Ủy ban nhân dân Thành phố`) nor the partners' field.
    ("II. NỘI DUNG\n\n1. Phổ biến, giáo dục Luật Việc làm\n\n"
     "- Nội dung thực hiện: Tổ chức phổ biến, giáo dục Luật Việc làm bằng các hình thức đa dạng.\n\n"
     "- Cơ quan thực hiện: Sở Nội vụ chủ trì tham mưu Ủy ban nhân dân Thành phố ban hành Kế hoạch; Sở Tư pháp và "
     "các sở, ban, ngành Thành phố, Đài Phát thanh và Truyền hình Thành phố, cơ quan thông tấn báo chí và Ủy ban "
     "nhân dân xã, phường, đặc khu chủ động tổ chức triển khai Luật Việc làm.\n\n"
     "2. Tổ chức tập huấn, bồi dưỡng\n\n- Cơ quan chủ trì: Sở Nội vụ, Sở Giáo dục và Đào tạo, Sở Tài chính.\n\n"
     "- Cơ quan phối hợp: Bảo hiểm xã hội Thành phố, Ủy ban nhân dân xã, phường, đặc khu.\n",
     HO_CHI_MINH, {"Sở Nội vụ": (2, False), "Sở Tư pháp": (1, False),
                   "Các sở, ban, ngành thành phố Hồ Chí Minh": (1, False),
                   "Đài Phát thanh và Truyền hình thành phố Hồ Chí Minh": (1, False),
                   "Cơ quan thông tấn báo chí": (1, False), "Ủy ban nhân dân xã, phường, đặc khu": (1, False),
                   "Sở Giáo dục và Đào tạo": (1, False), "Sở Tài chính": (1, False)}),
    # The closing formula asks to report problems (r002): no one's task.
    ("V. TỔ CHỨC THỰC HIỆN\n\nTrong quá trình triển khai thực hiện Kế hoạch, nếu có khó khăn, vướng mắc, đề nghị "
     "các sở, ban, ngành, Ủy ban nhân dân phường, xã, đặc khu và các cơ quan, tổ chức có liên quan kịp thời phản "
     "ánh về Ủy ban nhân dân Thành phố (thông qua Sở Nội vụ) để hướng dẫn giải quyết./.\n",
     HO_CHI_MINH, {}),
    # A dash alone on its line, the task in the next paragraph (r031, Quảng Ngãi 1627/QĐ-UBND): one task, not an empty one too.
    (ASSIGN + "*1.2. Sở Tài chính*\n\n-\n\n"
     "Tuyên truyền, phổ biến, quán triệt các cơ quan, tổ chức, đơn vị thực hiện nghiêm túc các quy định về quản lý tài sản công.\n\n-\n\n"
     "Tham mưu triển khai thực hiện Tổng kiểm kê tài sản công trên địa bàn tỉnh.\n",
     PROVINCE, {"Sở Tài chính": (2, False)}),
]


@pytest.mark.parametrize("text, where, expected", SHAPES)
def test_assignment_shapes(text, where, expected):
    rows = tasks(make_doc(text, where))
    assert per_agency(rows) == expected
    for d in rows:
        assert d.text == make_doc(text, where).text[d.start_char:d.end_char]


ROLES = [
    ("Là Cơ quan thường trực tham mưu Ủy ban nhân dân phường triển khai lễ ra quân", "thuong_truc"),
    ("Chủ trì, phối hợp với các ngành chức năng kiểm soát chặt chẽ các hoạt động hợp pháp", "chu_tri"),
    ("Tham mưu công tác tuyên truyền phòng, chống ma túy lồng ghép trong các hoạt động văn hóa", "tham_muu"),
    ("Phối hợp chặt chẽ với lực lượng Công an thực hiện hiệu quả Quy chế phối hợp", "phoi_hop"),
    ("Đôn đốc, hướng dẫn các cơ sở giáo dục phối hợp với lực lượng Công an", "theo_doi"),
    ("Quản lý chặt chẽ việc phân phối, sử dụng chất gây nghiện, chất hướng thần trong y tế", "thuc_hien"),
    # A cue far into the task does not decide its role.
    ("Căn cứ vào tình hình thực tế và khả năng cân đối của ngân sách địa phương, phối hợp với Công an phường",
     "thuc_hien"),
]


@pytest.mark.parametrize("task, role", ROLES)
def test_role_from_wording(task, role):
    assert duties.role_of(task) == role


# (task, the document's topic, its themes): a topic layer's theme only in a document of its topic.
THEMES = [
    ("Chủ trì, phối hợp với Công an thành phố và các sở, ngành, địa phương liên quan tham mưu Ủy ban nhân dân "
     "thành phố bố trí kinh phí", "ma_tuy", ["kinh_phi"]),
    ("Quản lý chặt chẽ việc phân phối, sử dụng chất gây nghiện, chất hướng thần trong y tế", "ma_tuy",
     ["kiem_soat_tien_chat"]),
    ("Quản lý chặt chẽ việc phân phối, sử dụng chất gây nghiện, chất hướng thần trong y tế", "chuyen_doi_so", []),
    ("Phối hợp với Công an thành phố đề xuất Chủ tịch Ủy ban nhân dân thành phố khen thưởng đối với tập thể",
     None, ["khen_thuong"]),
]


@pytest.mark.parametrize("task, topic, themes", THEMES)
def test_themes_from_taxonomy(task, topic, themes):
    assert themes_of(task, topic) == themes


def test_deadline_inside_the_task():
    text = ("III. TỔ CHỨC THỰC HIỆN\n\n2. Giao Công an tỉnh tổng hợp, báo cáo UBND tỉnh trước ngày 05/7/2026.\n")
    doc = make_doc(text, PROVINCE)
    at = doc.text.index("05/7/2026")
    due = DateMention(doc_id=doc.doc_id, text="05/7/2026", start_char=at, end_char=at + 9, kind="deadline",
                      value="2026-07-05")
    [row] = tasks(doc, [due])
    assert row.deadline.isoformat() == "2026-07-05"
    assert row.role == "thuc_hien"


def test_partners_named_after_phoi_hop():
    text = (ASSIGN + "3. Sở Công Thương\n\n- Chủ trì phối hợp với Công an thành phố, Chi cục Hải quan khu vực III "
            "và các đơn vị có liên quan phổ biến, hướng dẫn các văn bản quy phạm pháp luật.\n")
    doc = make_doc(text, CITY)
    found = agencies.extract(doc)
    rows = duties.extract(doc, found, [])
    partners = duties.partners(doc, rows, found)
    assert [(p.agency, p.agency_type, p.duty_id) for p in partners] == [
        ("Công an thành phố Hải Phòng", "cong_an", rows[0].duty_id),
        ("Chi cục Hải quan khu vực III", "hai_quan", rows[0].duty_id),
    ]


def test_missing_appendix_is_a_finding():
    text = ("II. NHIỆM VỤ, GIẢI PHÁP\n\n1. Nhiệm vụ chung\n\nTăng cường sự lãnh đạo.\n\n"
            "2. Nhiệm vụ cụ thể: (Có Phụ lục 2 kèm theo).\n\nIII. TỔ CHỨC THỰC HIỆN\n\n1. Kinh phí thực hiện\n")
    doc = make_doc(text, PROVINCE)
    assert tasks(doc) == []
    [issue] = duties.missing_appendices(doc)
    assert issue.kind == "missing_appendix"
    assert issue.text == "Có Phụ lục 2 kèm theo"
    assert "tasks" in issue.message


def test_duty_ids_are_unique_and_stable():
    text = SHAPES[2][0]
    first = [d.duty_id for d in tasks(make_doc(text, WARD))]
    assert len(set(first)) == len(first) == 4
    assert first == [d.duty_id for d in tasks(make_doc(text, WARD))]
