"""`python manage.py report_quarter 2024-Q1 --docx FILE --xlsx FILE`: the quarter's
report draft (.docx) and statistics workbook (.xlsx), for scripts and cron."""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from workflows.periods import PeriodError, Quarter
from workflows.quarterly_report import quarterly_report, report_docx
from workflows.report_views import statistics_module, statistics_table


def _target(value: str | None) -> Path | None:
    if not value:
        return None
    path = Path(value).expanduser()
    if path.is_dir():
        raise CommandError(
            _("“%(p)s” là một thư mục: hãy ghi tên tệp. / “%(p)s” is a directory.") % {"p": value}
        )
    if not path.parent.exists():
        raise CommandError(
            _("Không có thư mục “%(d)s” để ghi tệp. / The directory “%(d)s” does not exist.")
            % {"d": path.parent}
        )
    return path


class Command(BaseCommand):
    help = _(
        "Lập dự thảo báo cáo quý (.docx) và bảng thống kê (.xlsx) của một quý từ dữ liệu. "
        "Ví dụ: report_quarter 2024-Q1 --docx bao-cao.docx --xlsx thong-ke.xlsx"
    )

    def add_arguments(self, parser):
        parser.add_argument("quarter", help=_("Kỳ báo cáo, dạng NĂM-QUÝ, ví dụ 2024-Q1"))
        parser.add_argument("--docx", help=_("Tệp báo cáo .docx cần ghi"))
        parser.add_argument("--xlsx", help=_("Tệp bảng thống kê .xlsx cần ghi"))
        parser.add_argument(
            "--as-of",
            dest="as_of",
            help=_("Ngày tính số liệu “đến thời điểm báo cáo” (YYYY-MM-DD; mặc định: cuối quý)"),
        )

    def handle(self, *args, **options):
        try:
            quarter = Quarter.parse(options["quarter"])
        except PeriodError as exc:
            raise CommandError(str(exc)) from exc
        docx_path, xlsx_path = _target(options["docx"]), _target(options["xlsx"])
        if docx_path is None and xlsx_path is None:
            raise CommandError(
                _("Hãy chọn ít nhất một tệp: --docx FILE hoặc --xlsx FILE. / Give a file.")
            )
        as_of = None
        if options["as_of"]:
            try:
                as_of = date.fromisoformat(options["as_of"])
            except ValueError as exc:
                raise CommandError(
                    _("Ngày “%(d)s” không hợp lệ: ghi theo dạng YYYY-MM-DD.")
                    % {"d": options["as_of"]}
                ) from exc
            if as_of < quarter.end:
                raise CommandError(
                    _("Ngày tính số liệu phải từ ngày cuối quý (%(d)s) trở đi.")
                    % {"d": f"{quarter.end:%d/%m/%Y}"}
                )
        failed = False
        if docx_path is not None:
            started = time.perf_counter()
            report = quarterly_report(quarter, as_of=as_of)
            data = report_docx(report)
            self._write(docx_path, data)
            self.stdout.write(
                _("Đã ghi báo cáo %(q)s: %(p)s (%(n)s câu có số liệu, %(kb)s KB, %(s).2f giây)")
                % {
                    "q": quarter.label,
                    "p": docx_path,
                    "n": len(report.figures),
                    "kb": round(len(data) / 1024),
                    "s": time.perf_counter() - started,
                }
            )
            for error in report.errors:
                self.stderr.write(_("Không lập được số liệu: %(e)s") % {"e": error})
        if xlsx_path is not None:
            statistics = statistics_module()
            if statistics is None:
                self.stderr.write(
                    _(
                        "Bảng thống kê chưa có trong hệ thống (workflows.statistics): không ghi "
                        "%(p)s. / The statistics workbook is not available."
                    )
                    % {"p": xlsx_path}
                )
                failed = True
            else:
                started = time.perf_counter()
                table, note = statistics_table(quarter, as_of=as_of)
                data = statistics.statistics_workbook(table)
                self._write(xlsx_path, data)
                self.stdout.write(
                    _("Đã ghi bảng thống kê %(q)s%(note)s: %(p)s (%(kb)s KB, %(s).2f giây)")
                    % {
                        "q": quarter.label,
                        "note": f" ({note})" if note else "",
                        "p": xlsx_path,
                        "kb": round(len(data) / 1024),
                        "s": time.perf_counter() - started,
                    }
                )
        if failed:
            raise CommandError(_("Không ghi được bảng thống kê. / The workbook was not written."))

    def _write(self, path: Path, data: bytes) -> None:
        try:
            path.write_bytes(data)
        except OSError as exc:
            raise CommandError(
                _("Không ghi được tệp “%(p)s”: %(e)s") % {"p": path, "e": exc.strerror or exc}
            ) from exc
