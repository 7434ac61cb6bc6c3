"""The one rule for who may act (workflows.access): the pure decision on plain values,
the radiation procedures' table (permits.access), what the check costs, and the
services refusing the wrong person whichever door calls them."""

from __future__ import annotations

from datetime import date

import pytest

from permits import access as permits_access
from permits import flows, services
from permits.models import Channel, Dossier, DossierKind, Status
from tests.conftest import make_user
from tests.permits.conftest import ORGANISATION, WORKER, drive, file_dossier, on
from workflows.access import (
    access_decide,
    actor_profile,
    counter_filing_decide,
    has_step,
    task_holder_subquery,
)
from workflows.errors import ActionForbidden, DomainError
from workflows.models import Division
from workflows.roles import Role

S, H, D, A, DESK = (
    Role.SPECIALIST,
    Role.HEAD_OF_DIVISION,
    Role.DIRECTOR,
    Role.ACCOUNTANT,
    Role.ONE_STOP_OFFICER,
)
UNIT = "cn-qlkhcs"


def decide(roles, division, *, step=(S,), owner=UNIT, holder=None, applicant=99, actor=1):
    return access_decide(
        actor_id=actor,
        actor_roles=set(roles),
        actor_division=division,
        step_roles=step,
        owner_division=owner,
        holder_id=holder,
        applicant_id=applicant,
    )


# --- the pure rule ---------------------------------------------------------------------
@pytest.mark.parametrize(
    ("roles", "division", "kwargs", "allowed", "code"),
    [
        # the holder of the task
        ({S}, UNIT, {"holder": 1}, True, ""),
        # unclaimed: the step's role in the owning division takes it
        ({S}, UNIT, {"holder": None}, True, ""),
        # held by a colleague
        ({S}, UNIT, {"holder": 2}, False, "held_by_other"),
        # the same role in another division, even unclaimed
        ({S}, "qlkh", {"holder": None}, False, "other_division"),
        ({S}, None, {"holder": None}, False, "other_division"),
        # the holder who moved to another division
        ({S}, "qlkh", {"holder": 1}, False, "other_division"),
        # not the step's role
        ({DESK}, "mot-cua", {}, False, "forbidden"),
        (set(), None, {}, False, "forbidden"),
        # the head of the owning division, acting as such, whoever holds it
        ({H}, UNIT, {"step": (S, H), "holder": 2}, True, ""),
        ({H}, UNIT, {"step": (H,), "holder": 2}, True, ""),
        # the head of another division
        ({H}, "qlkh", {"step": (H,)}, False, "other_division"),
        ({H}, "qlkh", {"step": (S, H), "holder": 2}, False, "other_division"),
        # a head is not a specialist: no appraisal of their own
        ({H}, UNIT, {"step": (S,)}, False, "forbidden"),
        # the director leads the whole department; the accountant serves it all
        ({D}, "van-phong", {"step": (D,), "holder": 2}, True, ""),
        ({A}, "van-phong", {"step": (A, DESK), "owner": "mot-cua"}, True, ""),
        (
            {A},
            "van-phong",
            {"step": (A, DESK), "owner": "mot-cua", "holder": 2},
            False,
            "held_by_other",
        ),
        ({DESK}, "van-phong", {"step": (A, DESK), "owner": "mot-cua"}, False, "other_division"),
        # self-dealing comes first, for everyone, the director included
        ({S}, UNIT, {"holder": 1, "applicant": 1}, False, "self_dealing"),
        ({D}, "van-phong", {"step": (D,), "applicant": 1}, False, "self_dealing"),
        ({H}, UNIT, {"step": (H,), "applicant": 1}, False, "self_dealing"),
        # a step of the department as a whole (no owning division)
        ({S}, "qlkh", {"owner": None}, True, ""),
    ],
)
def test_access_decide(roles, division, kwargs, allowed, code):
    decision = decide(roles, division, **kwargs)
    assert bool(decision) is allowed
    assert decision.code == code
    if not allowed:
        assert decision.reason  # a Vietnamese reason a person can act on
        with pytest.raises(ActionForbidden) as exc:
            decision.raise_if_refused()
        assert exc.value.code == code


def test_reasons_are_vietnamese_and_name_the_division():
    reason = access_decide(
        actor_id=1,
        actor_roles={H},
        actor_division="qlkh",
        step_roles=(H,),
        owner_division=UNIT,
        holder_id=None,
        owner_division_label="Phòng Công nghệ và Quản lý khoa học cơ sở",
    ).reason
    assert reason.startswith("Lãnh đạo phòng chỉ xử lý hồ sơ của phòng mình")
    assert "Phòng Công nghệ và Quản lý khoa học cơ sở" in reason
    assert "đứng tên" in decide({S}, UNIT, applicant=1).reason
    assert (
        access_decide(
            actor_id=None,
            actor_roles=set(),
            actor_division=None,
            step_roles=(S,),
            owner_division=UNIT,
            holder_id=None,
        ).code
        == "not_authenticated"
    )


def file(actor=1, roles=(DESK,), division="mot-cua", online=False, applicant=7, **applicant_kw):
    values = {
        "applicant_roles": {Role.APPLICANT},
        "applicant_active": True,
        "applicant_is_staff": False,
        "applicant_is_superuser": False,
        **applicant_kw,
    }
    return counter_filing_decide(
        actor_id=actor,
        actor_roles=set(roles),
        actor_division=division,
        desk_division="mot-cua",
        online=online,
        applicant_id=applicant,
        **values,
    )


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({}, ""),  # the desk files for an applicant, at the counter or by post
        ({"online": True, "applicant": 1, "roles": ()}, ""),  # anyone, online, for themselves
        ({"online": True, "applicant": 1, "roles": (D,)}, ""),  # staff too (never to act on it)
        ({"online": True}, "online_for_other"),  # F5
        ({"applicant_roles": {Role.APPLICANT, D}}, "not_an_applicant"),  # F4: a staff account
        ({"applicant_roles": {D}}, "not_an_applicant"),
        ({"applicant_is_superuser": True}, "not_an_applicant"),  # F4: the superuser
        ({"applicant_is_staff": True}, "not_an_applicant"),  # an admin account
        ({"applicant_active": False}, "not_an_applicant"),
        ({"applicant": 1, "applicant_roles": {DESK}}, "not_an_applicant"),  # the officer themself
        ({"division": "van-phong"}, "not_one_stop"),  # an officer away from the desk
        ({"roles": (S,)}, "not_one_stop"),
        ({"roles": (), "online": True}, "not_one_stop"),  # an applicant for another account
    ],
)
def test_counter_filing_decide(kwargs, code):
    decision = file(**kwargs)
    assert decision.code == code and bool(decision) is (code == "")


def test_has_step_is_role_and_division_whoever_holds_the_task():
    assert has_step(actor_roles={S}, actor_division=UNIT, step_roles=(S,), owner_division=UNIT)
    assert not has_step(
        actor_roles={S}, actor_division="qlkh", step_roles=(S,), owner_division=UNIT
    )
    assert has_step(actor_roles={A}, actor_division=None, step_roles=(A,), owner_division=UNIT)
    assert not has_step(
        actor_roles={Role.INSPECTOR}, actor_division=UNIT, step_roles=(S, H, D), owner_division=UNIT
    )


# --- loading the values ------------------------------------------------------------------
@pytest.mark.django_db
def test_actor_profile_is_one_query_then_cached(staff, django_assert_num_queries):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(pk=staff[S].pk)
    with django_assert_num_queries(1):
        profile = actor_profile(user)
        assert actor_profile(user) == profile
    assert profile.roles == {S} and profile.division == UNIT
    from workflows.roles import has_role

    with django_assert_num_queries(0):  # the roles cache is shared
        assert has_role(user, S)


@pytest.mark.django_db
def test_the_step_check_costs_two_queries_inside_the_lock(
    staff, applicant, django_assert_num_queries
):
    from django.contrib.auth import get_user_model
    from django.db import transaction

    with on(date(2024, 3, 4)):
        dossier = drive(
            file_dossier(applicant, kind=DossierKind.CERTIFICATE), staff, Status.APPRAISAL
        )
        flows.flow_sync(dossier)
    user = get_user_model().objects.get(pk=staff[S].pk)
    permits_access._nodes("appraisal")  # import the flows once
    with transaction.atomic(), django_assert_num_queries(2):
        # one query locks the dossier and reads the task's holder, one reads the actor
        case = permits_access.dossier_lock_for_step(dossier.pk, user, "appraisal")
    assert case.pk == dossier.pk and case.task_holder is None
    with transaction.atomic(), django_assert_num_queries(1):  # actor cached for the request
        permits_access.dossier_lock_for_step(dossier.pk, user, "appraisal")


@pytest.mark.django_db
def test_the_holder_is_read_from_the_flow_task(staff, applicant, divisions):
    officer2 = make_user("motcua2", DESK, division=divisions["mot-cua"])
    with on(date(2024, 3, 4)):
        dossier = drive(
            file_dossier(applicant, kind=DossierKind.CERTIFICATE), staff, Status.SUBMITTED
        )
        flows.flow_sync(dossier)
        task = flows.process_for(dossier).task_set.get(flow_task_type="HUMAN")
        task.flow_task.activation_class(task).assign(officer2)
        case = Dossier.objects.annotate(
            task_holder=task_holder_subquery(Dossier, permits_access._nodes("check"))
        ).get(pk=dossier.pk)
        assert case.task_holder == officer2.pk
        with pytest.raises(ActionForbidden) as exc:
            services.dossier_accept(dossier=dossier, actor=staff[DESK])
        assert exc.value.code == "held_by_other"
        services.dossier_accept(dossier=dossier, actor=officer2)
    assert Dossier.objects.get(pk=dossier.pk).status == Status.AWAITING_FEE


# --- the services, whichever door calls them ---------------------------------------------
@pytest.fixture
def elsewhere(db):
    qlkh = Division.objects.get_or_create(code="qlkh", defaults={"name": "Phòng Quản lý khoa học"})[
        0
    ]
    return {
        "specialist": make_user("chuyenvien-qlkh", S, division=qlkh),
        "head": make_user("truongphong-qlkh", H, division=qlkh),
    }


@pytest.mark.django_db
def test_a_specialist_takes_an_unassigned_appraisal_but_not_a_colleagues(
    staff, applicant, divisions
):
    colleague = make_user("chuyenvien2", S, division=divisions["cn-qlkhcs"])
    with on(date(2024, 3, 4)):
        dossier = drive(
            file_dossier(applicant, kind=DossierKind.CERTIFICATE), staff, Status.APPRAISAL
        )
        services.dossier_assign(dossier=dossier, actor=colleague, specialist=colleague)
        with pytest.raises(ActionForbidden):  # F3
            services.dossier_assign(dossier=dossier, actor=staff[S], specialist=staff[S])
        with pytest.raises(ActionForbidden):  # F1
            services.dossier_record_appraisal(
                dossier=dossier, actor=staff[S], conclusion="pass", findings="Đạt."
            )
        # the head re-assigns; then it is the other's to record
        services.dossier_assign(dossier=dossier, actor=staff[H], specialist=staff[S])
        with pytest.raises(ActionForbidden):
            services.dossier_record_appraisal(
                dossier=dossier, actor=colleague, conclusion="pass", findings="Đạt."
            )
        services.dossier_record_appraisal(
            dossier=dossier, actor=staff[S], conclusion="pass", findings="Đạt."
        )
    assert Dossier.objects.get(pk=dossier.pk).status == Status.REVIEW


@pytest.mark.django_db
def test_the_head_of_another_division_can_neither_assign_nor_review(staff, applicant, elsewhere):
    with on(date(2024, 3, 4)):
        dossier = drive(
            file_dossier(applicant, kind=DossierKind.CERTIFICATE), staff, Status.APPRAISAL
        )
        with pytest.raises(ActionForbidden, match="phòng mình"):  # F2
            services.dossier_assign(dossier=dossier, actor=elsewhere["head"], specialist=staff[S])
        with pytest.raises(DomainError, match="chuyên viên của"):
            services.dossier_assign(
                dossier=dossier, actor=staff[H], specialist=elsewhere["specialist"]
            )
        dossier = drive(dossier, staff, Status.REVIEW)
        with pytest.raises(ActionForbidden, match="phòng mình"):  # F2
            services.dossier_review(dossier=dossier, actor=elsewhere["head"], approve=True)
        services.dossier_review(dossier=dossier, actor=staff[H], approve=True)
    assert Dossier.objects.get(pk=dossier.pk).status == Status.SIGNING


@pytest.mark.django_db
def test_the_director_cannot_sign_a_certificate_filed_in_his_own_name(staff):
    director = staff[D]
    with on(date(2024, 3, 4)):
        dossier = drive(file_dossier(director, kind=DossierKind.CERTIFICATE), staff, Status.SIGNING)
        with pytest.raises(ActionForbidden) as exc:  # F4
            services.dossier_sign(dossier=dossier, actor=director)
        assert exc.value.code == "self_dealing"
        deputy = make_user("phogiamdoc", D)
        services.dossier_sign(dossier=dossier, actor=deputy)
    assert Dossier.objects.get(pk=dossier.pk).status == Status.ISSUED


@pytest.mark.django_db
def test_counter_filing_names_an_applicant_account_only(staff, applicant):
    officer = staff[DESK]
    superuser = make_user("quantri", is_staff=True, is_superuser=True)

    def create(for_user, channel=Channel.COUNTER):
        return services.dossier_create(
            actor=officer,
            applicant=for_user,
            channel=channel,
            kind=DossierKind.CERTIFICATE,
            organisation=ORGANISATION,
            worker=WORKER,
        )

    with on(date(2024, 3, 4)):
        for account in (staff[D], superuser, officer):  # F4
            with pytest.raises(ActionForbidden):
                create(account)
        with pytest.raises(ActionForbidden, match="trực tuyến"):  # F5
            create(applicant, Channel.ONLINE)
        assert Dossier.objects.count() == 0
        dossier = create(applicant, Channel.POST)
    assert dossier.applicant == applicant and dossier.channel == Channel.POST


@pytest.mark.django_db
def test_the_engines_own_timed_work_is_not_checked(staff, applicant):
    """`system=True` (the beat's apology drafts) has no actor to check."""
    with on(date(2024, 3, 4)):
        dossier = drive(
            file_dossier(applicant, kind=DossierKind.CERTIFICATE), staff, Status.APPRAISAL
        )
        slip = services.apology_draft(dossier=dossier, actor=None, system=True, reason="Chậm.")
    assert slip.drafted_by is None


@pytest.mark.django_db
def test_only_the_desk_completes_a_counter_draft(staff, applicant, divisions):
    from tests.permits.conftest import pdf

    away = make_user("motcua-vp", DESK, division=divisions["van-phong"])
    with on(date(2024, 3, 4)):
        draft = services.dossier_create(
            actor=staff[DESK],
            applicant=applicant,
            channel=Channel.COUNTER,
            kind=DossierKind.CERTIFICATE,
            organisation=ORGANISATION,
            worker=WORKER,
        )
        with pytest.raises(ActionForbidden):
            services.document_upload(dossier=draft, item="anh", upload=pdf(), actor=away)
        doc = services.document_upload(dossier=draft, item="anh", upload=pdf(), actor=staff[DESK])
    assert doc.uploaded_by == staff[DESK]
