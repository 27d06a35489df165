"""The engine's refusals in the reader's language.

The engine explains a refusal in English (for the command line and the logs) and names
it with a `code` and the `params` of its text; this module holds the Vietnamese text of
each code (English through the catalog, like every UI text). A refusal without a code,
or with a code missing here, is shown as the engine wrote it.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask_babel import lazy_gettext as _l

from engine.errors import EngineError, FieldProblem, InvalidData
from web.auth import user_name
from web.i18n import DEPARTMENTS, STATUSES, format_date, format_datetime

MESSAGES = {
    "dossier_changed": _l("Hồ sơ vừa được người khác thay đổi; chưa có gì được lưu. "
                          "Hãy thử lại."),
    "database_busy": _l("Cơ sở dữ liệu đang bận ghi một thay đổi khác (không nhất thiết "
                        "của hồ sơ này); chưa có gì được lưu. Hãy thử lại sau giây lát."),
    "task_changed": _l("Việc vừa được người khác thay đổi; chưa có gì được lưu."),
    "code_taken": _l("Một hồ sơ khác vừa được tiếp nhận cùng lúc; hãy tiếp nhận lại."),
    "time_without_zone": _l("Thời điểm phải ghi kèm múi giờ (ví dụ 2026-02-13T15:30+07:00)."),
    "script_failed": _l("Bước tự động của quy trình bị lỗi: %(reason)s"),
    "unknown_channel": _l("Không có hình thức nộp “%(channel)s”."),
    "procedure_not_deployed": _l("Thủ tục “%(procedure)s” chưa được triển khai."),
    "procedure_not_in_force": _l("Thủ tục “%(procedure)s” không còn hiệu lực vào ngày "
                                 "%(day)s."),
    "task_not_found": _l("Không có việc %(task)s."),
    "task_already_completed": _l("Việc “%(task)s” đã được %(user)s hoàn thành lúc %(at)s."),
    "task_not_open": _l("Việc “%(task)s” không còn chờ xử lý (%(status)s)."),
    "task_claimed": _l("Việc “%(task)s” đang do %(user)s nhận xử lý."),
    "task_not_claimed": _l("Việc “%(task)s” chưa có ai nhận."),
    "task_not_ready": _l("Việc “%(task)s” của hồ sơ %(dossier)s chưa sẵn sàng để xử lý."),
    "first_step": _l("“%(task)s” là bước đầu tiên: không có bước nào trước đó để trả lại."),
    "step_not_reopened": _l("Không mở lại được bước “%(task)s”."),
    "dossier_not_open": _l("Hồ sơ %(dossier)s đang ở trạng thái “%(status)s”; không thực "
                           "hiện được việc này."),
    "documents_required": _l("Hãy ghi ít nhất một giấy tờ công dân cần bổ sung."),
    "no_open_supplement": _l("Hồ sơ %(dossier)s không có yêu cầu bổ sung nào đang chờ."),
    "already_verification": _l("Hồ sơ %(dossier)s đã được tính thời hạn có xác minh."),
    "no_verification_limit": _l("Thủ tục của hồ sơ %(dossier)s không quy định thời hạn khi "
                                "cần xác minh."),
    "user_not_found": _l("Không có người dùng %(user)s."),
    "not_a_colleague": _l("%(user)s không làm việc của bộ phận %(department)s cho đơn vị "
                          "%(unit)s nên không giao được."),
    "not_an_overseer": _l("%(user)s không phải lãnh đạo hoặc giám sát của đơn vị %(unit)s."),
    "bad_weeks": _l("Số tuần phải từ 1 đến %(max)s."),
    "not_a_leader": _l("%(user)s không phải lãnh đạo của đơn vị nên không ký được."),
    "appointment_not_later": _l("Ngày hẹn mới phải sau ngày hẹn hiện tại (%(appointment)s)."),
    "no_supplement_request": _l("Hồ sơ %(dossier)s chưa có yêu cầu bổ sung."),
    "not_refused": _l("Hồ sơ %(dossier)s không bị từ chối."),
    "not_stopped": _l("Hồ sơ %(dossier)s không bị dừng giải quyết."),
    "no_apology": _l("Hồ sơ %(dossier)s chưa có văn bản xin lỗi."),
    "too_many_apologies": _l("Hồ sơ %(dossier)s đã được xin lỗi, gia hạn %(allowed)s lần, "
                             "số lần tối đa thủ tục này cho phép."),
    "apology_too_late": _l("Văn bản xin lỗi của hồ sơ %(dossier)s phải được ký chậm nhất "
                           "%(lead)s trước ngày hẹn trả kết quả (%(appointment)s)."),
    "bad_letter_number": _l("Số văn bản không hợp lệ: ghi dạng 12/UBND-VP, tối đa %(max)s "
                            "ký tự."),
    "bad_addressee": _l("Người nhận (kính gửi) ghi trên một dòng, tối đa %(max)s ký tự."),
    "bad_distribution": _l("Nơi nhận gồm 1 đến %(max)s dòng, mỗi dòng tối đa %(longest)s "
                           "ký tự."),
    "dossier_not_found": _l("Không có hồ sơ %(dossier)s."),
    "task_id_too_short": _l("Không có việc %(task)s (hãy ghi ít nhất 6 ký tự của mã việc)."),
    "task_id_ambiguous": _l("Mã việc %(task)s trùng với nhiều việc; hãy ghi dài hơn."),
    "unit_not_found": _l("Không có đơn vị %(unit)s."),
    "period_reversed": _l("Kỳ kết thúc (%(end)s) trước khi bắt đầu (%(start)s)."),
    "period_too_long": _l("Kỳ dài quá %(days)s ngày: hãy chọn tối đa một năm."),
    "unknown_procedure": _l("Không có thủ tục %(key)s."),
    "unknown_version": _l("Thủ tục %(key)s không có phiên bản %(version)s."),
    "unknown_step": _l("Không có bước %(step)s hoàn thành trong kỳ."),
    "unit_not_in_force": _l("Đơn vị %(unit)s không hoạt động vào ngày %(on)s (chưa thành "
                            "lập, hoặc đã sắp xếp vào đơn vị khác)."),
    "not_an_ending": _l("Hồ sơ chỉ kết thúc được bằng từ chối, rút hoặc dừng giải quyết."),
    "invalid_data": _l("Thông tin chưa hợp lệ, chưa có gì được lưu."),
    "notice_not_found": _l("Không có thông báo số %(notice)s."),
    "email_too_long": _l("Địa chỉ thư điện tử dài tối đa %(maximum)s ký tự."),
    "email_invalid": _l("Địa chỉ thư điện tử không hợp lệ: cần có dạng ten@donvi.gov.vn, "
                        "một dấu @, không có khoảng trắng."),
    "password_too_short": _l("Mật khẩu cần ít nhất %(minimum)s ký tự."),
    "password_too_long": _l("Mật khẩu dài tối đa %(maximum)s ký tự."),
    "password_has_username": _l("Mật khẩu không được chứa tên đăng nhập."),
    "password_common": _l("Mật khẩu này nằm trong danh sách mật khẩu phổ biến, dễ bị đoán; "
                          "hãy chọn mật khẩu khác."),
    "password_guessable": _l("Mật khẩu này dễ bị đoán (dãy số, ký tự lặp, ngày tháng hoặc "
                             "từ phổ biến); hãy chọn mật khẩu dài hơn, ít quy luật hơn."),
    "session_not_found": _l("Không có phiên đăng nhập số %(session)s."),
    "token_days": _l("Mã API có hiệu lực từ 1 đến %(longest)s ngày."),
    "too_many_documents": _l("Hồ sơ %(dossier)s sẽ có quá %(max)s giấy tờ; chưa có gì "
                             "được lưu."),
}

# What is wrong with one field of a task's form, by the engine's code.
FIELD_PROBLEMS = {
    "required": _l("Bắt buộc nhập."),
    "not_text": _l("Phải là văn bản."),
    "not_whole_number": _l("Phải là số nguyên."),
    "not_number": _l("Phải là số."),
    "not_boolean": _l("Phải là Có hoặc Không."),
    "not_date": _l("Phải là một ngày hợp lệ."),
    "not_datetime": _l("Phải là ngày giờ hợp lệ."),
    "not_a_choice": _l("Hãy chọn một giá trị trong danh sách."),
    "not_a_field": _l("Việc này không có mục này."),
    "unknown_type": _l("Quy trình khai báo mục này với kiểu dữ liệu không hợp lệ."),
    "not_a_serving_unit": _l("Không phải đơn vị đúng loại phục vụ %(unit)s; chọn một trong: "
                             "%(choices)s."),
    "choose_a_unit": _l("Hãy chọn đơn vị nhận hồ sơ, một trong: %(choices)s."),
    "too_long": _l("Dài quá %(max)s ký tự."),
    "out_of_range": _l("Phải nằm trong khoảng từ %(min)s đến %(max)s."),
    "bad_characters": _l("Có ký tự điều khiển không hợp lệ."),
}

REASONS = {  # reason_required, by the action that needs a reason
    "send_back": _l("Hãy ghi lý do trả lại bước trước."),
    "supplement": _l("Hãy ghi lý do yêu cầu bổ sung."),
    "verification": _l("Hãy ghi lý do cần xác minh."),
    "refused": _l("Hãy ghi lý do từ chối hồ sơ."),
    "withdrawn": _l("Hãy ghi lý do công dân rút hồ sơ."),
    "stopped": _l("Hãy ghi lý do dừng giải quyết hồ sơ."),
    "apology": _l("Hãy ghi lý do hồ sơ bị trễ hạn."),
}


def explain(error: EngineError) -> str:
    """The refusal in the current language, its values written for people."""
    if error.code == "reason_required" and error.params.get("action") in REASONS:
        return str(REASONS[error.params["action"]])
    text = MESSAGES.get(error.code or "")
    if text is None:
        return str(error)
    try:
        return str(text) % {key: _shown(key, value) for key, value in error.params.items()}
    except (KeyError, TypeError, ValueError):  # a text and its params out of step
        return str(error)


def field_errors(error: InvalidData) -> dict[str, str]:
    """Each wrong field's problem in the current language."""
    return {name: explain_field(problem) for name, problem in error.problems.items()}


def explain_field(problem: FieldProblem) -> str:
    text = FIELD_PROBLEMS.get(problem.code)
    if text is None:
        return problem.message
    try:
        return str(text) % {key: _shown(key, value) for key, value in problem.params.items()}
    except (KeyError, TypeError, ValueError):  # a text and its params out of step
        return problem.message


def _shown(key: str, value: Any) -> str:
    if value is None:
        return "—"
    if key == "status":
        return str(STATUSES.get(value, value))
    if key == "department":
        return str(DEPARTMENTS.get(value, value))
    if key == "user":
        return user_name(str(value))
    if isinstance(value, datetime):
        return format_datetime(value)
    if isinstance(value, date):
        return format_date(value)
    if isinstance(value, tuple | list):  # e.g. the units to choose from
        return ", ".join(str(item) for item in value) or "—"
    return str(value)
