"""The catalogue entry of the result registration: data, installed with the one-stop
envelope's ladder and step budgets (`workflows.onestop.catalogue`).

`legal/khoa-hoc-va-cong-nghe.md` names the articles (Điều 7 Nghị định số 11/2014/NĐ-CP;
Điều 10–12, 15 Thông tư số 14/2014/TT-BKHCN, amended by TT 11/2023/TT-BKHCN) but holds
no text of them, so the checklist and the limits below are defaults marked [GK]: the
certificate within 5 working days of a valid dossier (the task limit "registration",
`task_rules.LIMITS`), the completeness check in 2 working days, no fee.
"""

from __future__ import annotations

from datetime import date

from tasks_lifecycle import task_rules
from workflows.models import DayUnit, ProcedureVersion
from workflows.onestop.catalogue import apology_parameters, step_rules, version_install

from .kind import PROCEDURE_CODE

ND11 = task_rules.ND11
TT14 = task_rules.TT14
APPLIES_FROM = date(2014, 8, 15)  # TT 14/2014/TT-BKHCN takes effect
NOT_IN_LEGAL = "nội dung điều chưa có trong kho văn bản pháp luật [GK]"
CHECKLIST_BASIS = f"Điều 12 {TT14} ({NOT_IN_LEGAL})"


def _doc(code: str, name: str, *, required: bool = True) -> dict:
    return {"code": code, "name": name, "required": required, "basis": CHECKLIST_BASIS}


DOCUMENTS = [
    _doc(
        "phieu-dang-ky",
        "Phiếu đăng ký kết quả thực hiện nhiệm vụ khoa học và công nghệ sử dụng ngân sách nhà nước",
    ),
    _doc(
        "bao-cao-tong-hop",
        "Báo cáo tổng hợp kết quả thực hiện nhiệm vụ đã hoàn thiện sau đánh giá, nghiệm thu "
        "(có chữ ký của chủ nhiệm và dấu của tổ chức chủ trì)",
    ),
    _doc("bao-cao-tom-tat", "Báo cáo tóm tắt kết quả thực hiện nhiệm vụ"),
    _doc(
        "nghiem-thu-cong-nhan",
        "Biên bản đánh giá, nghiệm thu của Hội đồng và quyết định công nhận kết quả thực hiện "
        "nhiệm vụ",
    ),
    _doc(
        "tai-lieu-kem-theo",
        "Phụ lục, tài liệu kèm theo báo cáo (bản vẽ, bản đồ, ảnh, số liệu, phần mềm…), nếu có",
        required=False,
    ),
]


def _spec() -> dict:
    result = task_rules.limit("registration")
    return {
        "legal_basis": f"Điều 7 {ND11}; Điều 10, 11, 12 và 15 {TT14} (được sửa đổi, bổ sung "
        f"bởi Thông tư số 11/2023/TT-BKHCN); {NOT_IN_LEGAL}",
        "fees": {"basis": "Không thu phí, lệ phí [GK]"},
        "documents": DOCUMENTS,
        "parameters": apology_parameters(new_date_working_days=3),
        "rules": [
            ("check", "Kiểm tra tính đầy đủ, hợp lệ của hồ sơ", 2, DayUnit.WORKING,
             f"Quy chế tiếp nhận hồ sơ của bộ phận một cửa {NOT_IN_LEGAL}", 0),
            ("result", result.name, result.amount, result.unit, result.legal_basis, 3),
            *step_rules(appraisal=(3, 2), review=(1, 1), signing=(1, 1)),
        ],
    }  # fmt: skip


def catalogue_install() -> ProcedureVersion:
    """The procedure and its first version, if missing (an admin's edits are kept)."""
    return version_install(
        code=PROCEDURE_CODE,
        name_vi="Đăng ký kết quả thực hiện nhiệm vụ khoa học và công nghệ sử dụng ngân sách "
        "nhà nước",
        name_en="Registration of the results of a state-funded S&T task",
        field="Hoạt động khoa học và công nghệ",
        applies_from=APPLIES_FROM,
        label="TT 14/2014",
        spec=_spec(),
    )
