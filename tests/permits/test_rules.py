"""The legal dates of the radiation procedures (permits/rules.py), with boundary dates
computed by hand from Decree 142/2020/NĐ-CP and the Civil Code (Art. 148), and the
services and the sweep that use them."""

from datetime import date

import pytest

from notifications.models import Notification
from notifications.services import deadlines_sweep
from permits import rules, services
from permits.models import DossierKind, Permit, Status
from tests.permits.conftest import drive, file_dossier, on, pdf
from workflows.errors import DomainError
from workflows.roles import Role

# --- the health certificate is no older than 6 months (Art. 35(2)(d)) ----------------

# issue date → the last day it is still ≤ 6 months old (Civil Code Art. 148(1): the
# corresponding day of the sixth month, or that month's last day when it has none)
SIX_MONTHS = [
    (date(2025, 6, 30), date(2025, 12, 30)),  # the worked example
    (date(2025, 3, 31), date(2025, 9, 30)),  # 31st → a 30-day month
    (date(2025, 5, 31), date(2025, 11, 30)),  # 31st → a 30-day month
    (date(2025, 10, 31), date(2026, 4, 30)),  # 31st → a 30-day month, across the year
    (date(2025, 12, 31), date(2026, 6, 30)),  # 31/12 → 30/06
    (date(2025, 8, 31), date(2026, 2, 28)),  # 31/08 → 28/02 in a common year
    (date(2023, 8, 31), date(2024, 2, 29)),  # 31/08 → 29/02 in a leap year
    (date(2025, 8, 30), date(2026, 2, 28)),  # 30/08 → 28/02
    (date(2025, 8, 29), date(2026, 2, 28)),  # 29/08 → 28/02 in a common year
    (date(2023, 8, 29), date(2024, 2, 29)),  # 29/08 → 29/02 in a leap year
    (date(2024, 2, 29), date(2024, 8, 29)),  # 29/02 → 29/08, not the end of August
    (date(2025, 2, 28), date(2025, 8, 28)),  # 28/02 → 28/08, not the end of August
    (date(2026, 1, 31), date(2026, 7, 31)),  # 31st → a 31-day month keeps the 31st
    (date(2025, 9, 30), date(2026, 3, 30)),  # 30th → 30th
    (date(2025, 7, 15), date(2026, 1, 15)),  # mid-month, across the year
]


@pytest.mark.parametrize(("issued", "last_day"), SIX_MONTHS)
def test_six_months_end_on_the_corresponding_day_or_the_months_last_day(issued, last_day):
    assert rules.document_age_ends_on(issued, 6) == last_day
    assert rules.document_within_age(issued, 6, last_day)
    assert not rules.document_within_age(issued, 6, date.fromordinal(last_day.toordinal() + 1))


@pytest.mark.parametrize(("issued", "last_day"), SIX_MONTHS)
def test_the_oldest_accepted_issue_date_is_the_edge_of_the_rule(issued, last_day):
    # on the last day the certificate is accepted; the day before its issue is not
    oldest = rules.oldest_accepted_issue_date(last_day, 6)
    assert oldest <= issued
    assert rules.document_within_age(oldest, 6, last_day)
    assert not rules.document_within_age(date.fromordinal(oldest.toordinal() - 1), 6, last_day)


def test_oldest_accepted_issue_dates_by_hand():
    assert rules.oldest_accepted_issue_date(date(2025, 12, 31), 6) == date(2025, 7, 1)
    assert rules.oldest_accepted_issue_date(date(2025, 12, 30), 6) == date(2025, 6, 30)
    # 28/08 … 31/08/2025 all reach 28/02/2026
    assert rules.oldest_accepted_issue_date(date(2026, 2, 28), 6) == date(2025, 8, 28)
    assert rules.oldest_accepted_issue_date(date(2026, 3, 1), 6) == date(2025, 9, 1)
    assert rules.oldest_accepted_issue_date(date(2024, 2, 29), 6) == date(2023, 8, 29)
    assert rules.oldest_accepted_issue_date(date(2026, 6, 30), 6) == date(2025, 12, 30)


def test_add_months_back_and_forth():
    assert rules.add_months(date(2025, 12, 31), -6) == date(2025, 6, 30)
    assert rules.add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert rules.add_months(date(2025, 1, 15), -1) == date(2024, 12, 15)
    assert rules.add_months(date(2025, 1, 15), 0) == date(2025, 1, 15)
    assert rules.add_months(date(2025, 11, 30), 14) == date(2027, 1, 30)


def _certificate_upload(applicant, submitted: date, issued: date):
    with on(submitted):
        dossier = file_dossier(applicant, kind=DossierKind.CERTIFICATE, upload=False)
        return services.document_upload(
            dossier=dossier,
            item="giay-kham-suc-khoe",
            upload=pdf(),
            actor=applicant,
            issued_on=issued,
        )


@pytest.mark.django_db
def test_health_certificate_issued_30_06_2025_is_refused_on_31_12_2025(applicant):
    # "A health certificate issued 30/06/2025 is accepted on 31/12/2025; it is 6 months
    # and 1 day old (6 months from 30/06 end on 30/12, Civil Code Art. 148). Count
    # forward from the issue date, not back from the submission."
    with pytest.raises(DomainError, match="quá 6 tháng") as refused:
        _certificate_upload(applicant, date(2025, 12, 31), date(2025, 6, 30))
    assert refused.value.code == "document_too_old"
    assert "01/07/2025" in str(refused.value)  # the oldest issue date accepted that day


@pytest.mark.django_db
def test_health_certificate_issued_30_06_2025_is_accepted_on_30_12_2025(applicant):
    doc = _certificate_upload(applicant, date(2025, 12, 30), date(2025, 6, 30))
    assert doc.issued_on == date(2025, 6, 30)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("issued", "last_day"),
    [
        (date(2023, 8, 31), date(2024, 2, 29)),
        (date(2025, 8, 31), date(2026, 2, 28)),
        (date(2025, 12, 31), date(2026, 6, 30)),
    ],
)
def test_the_services_accept_on_the_last_day_and_refuse_the_day_after(
    applicant, staff, issued, last_day
):
    _certificate_upload(applicant, last_day, issued)
    with pytest.raises(DomainError, match="quá 6 tháng"):
        _certificate_upload(applicant, date.fromordinal(last_day.toordinal() + 1), issued)


@pytest.mark.django_db
def test_submission_checks_the_age_again_on_the_day_of_filing(staff, applicant):
    # uploaded on 30/12/2025 while still valid, the dossier is filed a day too late
    with on(date(2025, 12, 30)):
        dossier = file_dossier(applicant, kind=DossierKind.CERTIFICATE, upload=False)
        for row in services.checklist(dossier):
            services.document_upload(
                dossier=dossier,
                item=row["code"],
                upload=pdf(),
                actor=applicant,
                issued_on=date(2025, 6, 30) if row.get("dated") else None,
            )
    with on(date(2025, 12, 31)), pytest.raises(DomainError, match="quá 6 tháng"):
        services.dossier_submit(dossier=dossier, actor=applicant)
    with on(date(2025, 12, 30)):
        assert services.dossier_submit(dossier=dossier, actor=applicant).status == (
            Status.SUBMITTED
        )


# --- renewal at least 45 days before expiry (Art. 30(1)) ------------------------------


def test_renewal_of_a_permit_expiring_07_04_2026_is_filed_by_21_02_2026():
    assert rules.renewal_last_filing_day(date(2026, 4, 7), 45) == date(2026, 2, 21)
    assert rules.renewal_in_time(date(2026, 4, 7), 45, date(2026, 2, 21))
    assert not rules.renewal_in_time(date(2026, 4, 7), 45, date(2026, 2, 22))


@pytest.mark.parametrize(
    ("valid_until", "last_day"),
    [
        (date(2027, 2, 28), date(2027, 1, 14)),
        (date(2024, 3, 31), date(2024, 2, 15)),  # across a leap February
        (date(2025, 3, 31), date(2025, 2, 14)),
        (date(2026, 1, 15), date(2025, 12, 1)),  # across the year
    ],
)
def test_renewal_window_boundaries(valid_until, last_day):
    assert rules.renewal_last_filing_day(valid_until, 45) == last_day
    assert rules.renewal_in_time(valid_until, 45, last_day)
    assert not rules.renewal_in_time(valid_until, 45, date.fromordinal(last_day.toordinal() + 1))


# --- 3-year validity; a renewal runs on from the old expiry (Art. 37) ------------------


@pytest.mark.parametrize(
    ("issued", "valid_until"),
    [
        (date(2024, 2, 28), date(2027, 2, 28)),
        (date(2024, 2, 29), date(2027, 2, 28)),  # no 29/02/2027: the month's last day
        (date(2023, 4, 7), date(2026, 4, 7)),
        (date(2025, 12, 31), date(2028, 12, 31)),
    ],
)
def test_a_new_permit_is_valid_three_years(issued, valid_until):
    assert rules.permit_term(kind="permit_new", issued_on=issued, validity_years=3) == (
        issued,
        valid_until,
    )


def test_a_renewal_runs_on_from_the_old_expiry_and_an_amendment_keeps_it():
    assert rules.permit_term(
        kind=rules.RENEWAL,
        issued_on=date(2027, 2, 10),
        validity_years=3,
        previous_valid_until=date(2027, 2, 28),
    ) == (date(2027, 2, 28), date(2030, 2, 28))
    # a permit issued 29/02/2024 renewed from 28/02/2027 keeps 28/02 in 2030
    assert rules.permit_term(
        kind=rules.RENEWAL,
        issued_on=date(2027, 1, 5),
        validity_years=3,
        previous_valid_until=date(2027, 2, 28),
    )[1] == date(2030, 2, 28)
    assert rules.permit_term(
        kind=rules.AMENDMENT,
        issued_on=date(2025, 6, 2),
        validity_years=3,
        previous_valid_until=date(2027, 2, 28),
    ) == (date(2025, 6, 2), date(2027, 2, 28))
    with pytest.raises(ValueError):
        rules.permit_term(kind=rules.RENEWAL, issued_on=date(2027, 1, 5), validity_years=3)


# --- the expiry reminders arrive while renewal is still possible ------------------------


def _permit_expiring_07_04_2026(staff, applicant) -> Permit:
    with on(date(2023, 4, 7)):
        dossier = drive(file_dossier(applicant), staff, Status.SIGNING)
        permit = services.dossier_sign(dossier=dossier, actor=staff[Role.DIRECTOR])
    assert permit.valid_until == date(2026, 4, 7)
    return permit


@pytest.mark.django_db
def test_the_t50_reminder_on_tet_is_sent_before_the_last_renewal_day(staff, applicant):
    # "A permit expiring 07/04/2026: its T-50 reminder falls on 16/02/2026 (Tết) and is
    # moved to 23/02/2026, two days after the last day a renewal may be filed
    # (21/02/2026). A reminder is not the end of a period: one that falls on a day off
    # is sent on that day or the working day before, never after."
    permit = _permit_expiring_07_04_2026(staff, applicant)
    last_filing_day = rules.renewal_last_filing_day(permit.valid_until, 45)
    assert last_filing_day == date(2026, 2, 21)
    fired = []
    # T-90 = Wed 07/01/2026; T-60 = Fri 06/02/2026; T-50 = Mon 16/02/2026, Tết (16–20/02,
    # after the weekend of 14–15/02) → sent on Fri 13/02/2026, the working day before
    day = date(2026, 1, 1)
    while day <= date(2026, 3, 1):
        with on(day):
            if deadlines_sweep(today=day):
                fired.append(day)
        day = date.fromordinal(day.toordinal() + 1)
    assert fired == [date(2026, 1, 7), date(2026, 2, 6), date(2026, 2, 13)]
    assert all(d <= last_filing_day for d in fired)
    notes = Notification.objects.filter(
        recipient=applicant, template="permit_expiry", channel="in_app"
    ).order_by("created_at")
    assert [n.created_at.date() for n in notes] == fired
    assert "07/04/2026" in notes.last().subject
    # the renewal the last reminder asks for is still accepted on the last day
    with on(last_filing_day):
        renewal = file_dossier(applicant, kind=DossierKind.PERMIT_RENEWAL, previous_permit=permit)
        assert services.dossier_submit(dossier=renewal, actor=applicant).status == (
            Status.SUBMITTED
        )


@pytest.mark.django_db
def test_renewal_of_that_permit_is_refused_the_day_after_the_window(staff, applicant):
    permit = _permit_expiring_07_04_2026(staff, applicant)
    with on(date(2026, 2, 22)), pytest.raises(DomainError, match="21/02/2026") as refused:
        file_dossier(applicant, kind=DossierKind.PERMIT_RENEWAL, previous_permit=permit)
    assert refused.value.code == "renewal_too_late"


def test_the_rules_name_the_dossier_kinds_of_the_model():
    assert rules.RENEWAL == DossierKind.PERMIT_RENEWAL
    assert rules.AMENDMENT == DossierKind.PERMIT_AMENDMENT
