"""What the tests type into forms: one family's birth, the mother who files for it, and
the short reception data of a plain birth registration."""

from __future__ import annotations

# The reception step of the interlinked birth, residence and health-card procedure.
CHILD = {"child_name": "Nguyễn Bảo An", "birth_date": "2026-02-27", "gender": "nữ",
         "birth_place": "Bệnh viện Phụ sản Hà Nội", "mother_name": "Trần Thị Bích",
         "father_name": "Nguyễn Văn Cường", "address": "Số 12 ngõ 5 Phúc Lợi, Long Biên",
         "initial_clinic": "Trạm y tế phường Phúc Lợi"}
# The reception step of a plain birth registration.
BIRTH = {"child_name": "Nguyễn Bảo An", "birth_date": "2026-02-27",
         "documents_complete": True}
RECEIVE = {"child_name": "Bé Na", "birth_date": "2026-03-01", "documents_complete": True}
# Who files the dossier, and the papers she brings.
MOTHER = {"name": "Trần Thị Bích", "phone": "0912345678",
          "address": "Số 12 ngõ 5 Phúc Lợi, Long Biên"}
DOCUMENTS = ["Tờ khai đăng ký khai sinh", "Giấy chứng sinh"]
