"""Demo data of the engine: divisions, one user per role. Idempotent."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from .models import Division
from .roles import Role

DEMO_PASSWORD = "motcua-demo-2024"  # noqa: S105  (published in the README; demo only)

# Units of the department named in its Q1/2024 report (seed/bao-cao-khcn-quy-I-2024.txt)
# and in the province's procedure records (DOMAIN.md §2).
DIVISIONS = [
    ("van-phong", "Văn phòng Sở"),
    ("thanh-tra", "Thanh tra Sở"),
    ("qlkh", "Phòng Quản lý khoa học và công nghệ"),
    ("cn-qlkhcs", "Phòng Công nghệ và Quản lý khoa học cơ sở"),
    ("trung-tam-tdc", "Trung tâm Kỹ thuật Tiêu chuẩn Đo lường Chất lượng"),
    ("trung-tam-khoi-nghiep", "Trung tâm Hỗ trợ khởi nghiệp đổi mới sáng tạo"),
    ("mot-cua", "Bộ phận Một cửa (Trung tâm Phục vụ hành chính công tỉnh)"),
]

# username, role, last name, first name, division code
USERS = [
    ("nguoinop", Role.APPLICANT, "Phòng khám Đa khoa", "Hoàng Long", None),
    ("motcua", Role.ONE_STOP_OFFICER, "Lò Thị", "Hương", "mot-cua"),
    ("chuyenvien", Role.SPECIALIST, "Cầm Văn", "Đức", "cn-qlkhcs"),
    ("truongphong", Role.HEAD_OF_DIVISION, "Nguyễn Thị", "Thu", "cn-qlkhcs"),
    ("giamdoc", Role.DIRECTOR, "Trần Văn", "Minh", "van-phong"),
    ("thuky", Role.COUNCIL_SECRETARY, "Quàng Thị", "Mai", "qlkh"),
    ("thanhvien", Role.COUNCIL_MEMBER, "Đinh Công", "Bằng", None),
    ("thanhtra", Role.INSPECTOR, "Vì Văn", "Thắng", "thanh-tra"),
    ("ketoan", Role.ACCOUNTANT, "Lường Thị", "Lan", "van-phong"),
]


@transaction.atomic
def seed_engine(stdout=None) -> list[tuple[str, str, str]]:
    """Create divisions and demo users; return (username, role label, password) rows."""
    divisions = {}
    for code, name in DIVISIONS:
        divisions[code], _ = Division.objects.update_or_create(code=code, defaults={"name": name})
    User = get_user_model()
    logins = []
    for username, role, last, first, division in USERS:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "last_name": last,
                "first_name": first,
                "email": f"{username}@demo.motcua.vn",
                "division": divisions.get(division),
                "is_staff": False,
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        user.groups.add(Group.objects.get(name=role))
        logins.append((username, str(role.label), DEMO_PASSWORD))
    admin, created = User.objects.get_or_create(
        username="admin",
        defaults={
            "is_staff": True,
            "is_superuser": True,
            "email": "admin@demo.motcua.vn",
            "last_name": "Quản trị",
            "first_name": "hệ thống",
        },
    )
    if created:
        admin.set_password(DEMO_PASSWORD)
        admin.save()
    logins.append(("admin", "Quản trị hệ thống (/admin/)", DEMO_PASSWORD))
    return logins
